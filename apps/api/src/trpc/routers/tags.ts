import { listTags } from "@brisk/db/queries/tags";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../init";

export const tagsRouter = {
  list: publicProcedure.query(({ ctx }) => listTags(ctx.db)),
} satisfies TRPCRouterRecord;
