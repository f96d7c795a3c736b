import { getEmail, listEmails } from "@brisk/db/queries/emails";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure, TRPCError } from "../init";
import { listMailboxInput, mailboxByIdInput } from "../schemas/mailbox";

/**
 * What the dev mailbox stored: every email Brisk sent while it runs on its embedded defaults.
 * Admins only: the emails carry other users' addresses and their invitation links.
 */
export const mailboxRouter = {
  list: adminProcedure
    .input(listMailboxInput)
    .query(({ ctx, input }) =>
      listEmails(ctx.db, { limit: input.limit, cursor: input.cursor ?? undefined }),
    ),

  byId: adminProcedure.input(mailboxByIdInput).query(async ({ ctx, input }) => {
    const email = await getEmail(ctx.db, input.id);
    if (!email) throw new TRPCError({ code: "NOT_FOUND", message: `No email with id ${input.id}` });
    return email;
  }),
} satisfies TRPCRouterRecord;
