import { deleteTag, insertTag, listTags, updateTag } from "@brisk/db/queries/tags";
import type { TRPCRouterRecord } from "@trpc/server";
import { cacheEntries, scopes } from "../../cache/entries";
import { createTagInput, deleteTagInput, updateTagInput } from "../../schemas/tags";
import { UNIQUE_VIOLATION, violatedConstraint } from "../constraint";
import { publicProcedure, TRPCError } from "../init";
import { writeWithin } from "../write";

/** Two tags with one slug: the caller's mistake, told on the field. */
function refuseTakenSlug(error: unknown): never {
  if (violatedConstraint(error, UNIQUE_VIOLATION) === "tags_slug_idx") {
    throw new TRPCError({ code: "CONFLICT", message: "That slug is taken", cause: error });
  }
  throw error;
}

function notFound(id: number): never {
  throw new TRPCError({ code: "NOT_FOUND", message: `No tag with id ${id}` });
}

// Tags are reference data: read on every page, written by admins now and then.
export const tagsRouter = {
  list: publicProcedure.query(async ({ ctx }) => {
    return (await ctx.cache.getOrLoad(cacheEntries.tagsList(), () => listTags(ctx.db).execute()))!;
  }),

  create: publicProcedure.input(createTagInput).mutation(async ({ ctx, input }) => {
    const tag = await writeWithin(ctx, (tx) => insertTag(tx, input)).catch(refuseTakenSlug);
    await ctx.cache.invalidate([scopes.tagsList]);
    return tag;
  }),

  update: publicProcedure.input(updateTagInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const tag = await writeWithin(ctx, (tx) => updateTag(tx, id, changes)).catch(refuseTakenSlug);
    if (!tag) notFound(id);
    await ctx.cache.invalidate([scopes.tagsList]);
    return tag;
  }),

  delete: publicProcedure.input(deleteTagInput).mutation(async ({ ctx, input }) => {
    const found = await writeWithin(ctx, (tx) => deleteTag(tx, input.id));
    if (!found) notFound(input.id);
    await ctx.cache.invalidate([scopes.tagsList]);
    return { id: input.id };
  }),
} satisfies TRPCRouterRecord;
