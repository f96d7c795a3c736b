import type { Metadata } from "next";
import { connection } from "next/server";
import { getQueryClient, HydrateClient, prefetch, trpc } from "@/trpc/server";
import { TagsAdmin } from "./tags-admin";
import { TagsHeader } from "./tags-header";

export const metadata: Metadata = { title: "Tags" };

export default async function TagsPage() {
  // Needs the database: render per request, never at build time.
  await connection();

  // In process; every write afterwards goes from the browser through /trpc.
  const options = trpc.tags.list.queryOptions();
  await prefetch(options);
  const failed = getQueryClient().getQueryState(options.queryKey)?.error;
  if (failed) throw failed; // error.tsx shows it, with a retry button

  return (
    <>
      <TagsHeader />
      <HydrateClient>
        <TagsAdmin />
      </HydrateClient>
    </>
  );
}
