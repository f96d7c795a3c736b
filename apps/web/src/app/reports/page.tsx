import type { Metadata } from "next";
import ui from "@/components/ui.module.css";
import { OrderReportForm } from "@/features/reports/order-form";
import { REPORTS_LIST_INPUT } from "@/features/reports/queries";
import { ReportList } from "@/features/reports/report-list";
import { requireViewer } from "@/server/viewer";
import { getQueryClient, HydrateClient, prefetch, serverCaller, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Reports" };

export default async function ReportsPage() {
  const viewer = await requireViewer("/reports");
  // In process; the list is read again from the browser when a report finishes.
  const options = trpc.reports.list.queryOptions(REPORTS_LIST_INPUT);
  await prefetch(options);
  const failed = getQueryClient().getQueryState(options.queryKey)?.error;
  if (failed) throw failed;
  const authors =
    viewer.role === "admin"
      ? (await (await serverCaller()).users.list({ limit: 100, postsPerUser: 0 })).items.map(
          (user) => ({ id: user.id, name: user.name }),
        )
      : [];

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Reports</h1>
        <p className={ui.muted}>
          Posting cadence, words and tags from Brisk, with page views, social engagement, search
          clicks, newsletter opens and revenue from our providers, as a PDF.
        </p>
      </header>
      <OrderReportForm viewer={viewer} authors={authors} />
      <h2 className={ui.sectionTitle}>History</h2>
      <HydrateClient>
        <ReportList />
      </HydrateClient>
    </>
  );
}
