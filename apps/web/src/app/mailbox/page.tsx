import type { Metadata } from "next";
import { AdminsOnly } from "@/components/admins-only";
import { mailboxListInput, mailboxListPaging } from "@/features/mailbox/queries";
import { requireViewer } from "@/server/viewer";
import { getQueryClient, HydrateClient, prefetch, trpc } from "@/trpc/server";
import { MailboxHeader } from "./mailbox-header";
import { MailboxList } from "./mailbox-list";

export const metadata: Metadata = { title: "Dev mailbox" };

export default async function MailboxPage() {
  const viewer = await requireViewer("/mailbox");
  if (viewer.role !== "admin") {
    return (
      <AdminsOnly
        title="Dev mailbox"
        what="The dev mailbox shows the emails Brisk sent, with other users' addresses and links in them."
      />
    );
  }

  // First page in process (no HTTP hop); later pages come from the browser through /trpc.
  const options = trpc.mailbox.list.infiniteQueryOptions(mailboxListInput, mailboxListPaging);
  await prefetch(options);
  const failed = getQueryClient().getQueryState(options.queryKey)?.error;
  if (failed) throw failed; // error.tsx shows it, with a retry button

  return (
    <>
      <MailboxHeader />
      <HydrateClient>
        <MailboxList />
      </HydrateClient>
    </>
  );
}
