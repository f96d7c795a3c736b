import type { Metadata } from "next";
import { connection } from "next/server";
import ui from "@/components/ui.module.css";
import { isAdmin } from "@/features/account/viewer";
import { InviteForm } from "@/features/authors/invite-form";
import { authorsListInput, authorsListPaging } from "@/features/authors/queries";
import { currentViewer } from "@/server/viewer";
import { getQueryClient, HydrateClient, prefetch, trpc } from "@/trpc/server";
import { AuthorsList } from "./authors-list";

export const metadata: Metadata = { title: "Authors" };

export default async function AuthorsPage() {
  // Needs the database: render per request, never at build time.
  await connection();

  // First page in process (no HTTP hop); later pages come from the browser through /trpc.
  const options = trpc.users.list.infiniteQueryOptions(authorsListInput, authorsListPaging);
  await prefetch(options);
  const failed = getQueryClient().getQueryState(options.queryKey)?.error;
  if (failed) throw failed; // error.tsx shows it, with a retry button
  const admin = isAdmin(await currentViewer());

  return (
    <>
      <header className={ui.pageHeader}>
        <h1>Authors</h1>
        <p className={ui.muted}>Everyone who writes in this workspace, with their latest posts.</p>
      </header>
      {admin ? <InviteForm /> : null}
      <HydrateClient>
        <AuthorsList />
      </HydrateClient>
    </>
  );
}
