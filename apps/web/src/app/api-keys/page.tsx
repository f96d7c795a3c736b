import type { Metadata } from "next";
import { AdminsOnly } from "@/components/admins-only";
import { requireViewer } from "@/server/viewer";
import { getQueryClient, HydrateClient, prefetch, trpc } from "@/trpc/server";
import { ApiKeysAdmin } from "./api-keys-admin";
import { ApiKeysHeader } from "./api-keys-header";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const viewer = await requireViewer("/api-keys");
  if (viewer.role !== "admin") {
    return (
      <AdminsOnly
        title="API keys"
        what="API keys let internal services call the api; making and revoking them is an admin's job."
      />
    );
  }

  // In process; creating and revoking go from the browser through /trpc.
  const options = trpc.apiKeys.list.queryOptions();
  await prefetch(options);
  const failed = getQueryClient().getQueryState(options.queryKey)?.error;
  if (failed) throw failed; // error.tsx shows it, with a retry button

  return (
    <>
      <ApiKeysHeader />
      <HydrateClient>
        <ApiKeysAdmin />
      </HydrateClient>
    </>
  );
}
