import type { Metadata } from "next";
import { AdminsOnly } from "@/components/admins-only";
import ui from "@/components/ui.module.css";
import { requireViewer } from "@/server/viewer";
import { OpsDashboard } from "./ops-dashboard";
import { SlowTraces } from "./slow-traces";

export const metadata: Metadata = { title: "Ops" };

/**
 * Only the shell renders on the server: the numbers describe the apps/api process, so the
 * browser polls them from there (through /trpc) and nothing is prefetched in process.
 */
export default async function OpsPage() {
  const viewer = await requireViewer("/ops");
  if (viewer.role !== "admin") {
    return (
      <AdminsOnly
        title="Ops"
        what="Ops shows how apps/api is doing: request rates, latency, errors and slow traces."
      />
    );
  }

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Ops</h1>
        <p className={ui.muted}>
          How apps/api is doing right now: a sample every 5 seconds over the last 10 minutes, and
          its most recent slow requests.
        </p>
      </header>
      <OpsDashboard />
      <SlowTraces />
    </>
  );
}
