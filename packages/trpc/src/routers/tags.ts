import type { CacheEntry } from "@brisk/cache";
import { deleteTag, insertTag, listTags, updateTag } from "@brisk/db/queries/tags";
import type { TRPCRouterRecord } from "@trpc/server";
import type { z } from "zod";
import { scopes } from "../cache-scopes";
import { UNIQUE_VIOLATION, violatedConstraint } from "../constraint";
import { adminProcedure, publicProcedure, TRPCError } from "../init";
import { createTagInput, deleteTagInput, listTagsOutput, updateTagInput } from "../schemas/tags";
import { writeWithin } from "../write";

/** Tags are reference data: read on every page, written by admins now and then. */
const tagsCache = {
  list: (): CacheEntry<z.infer<typeof listTagsOutput>> => ({
    key: "tags.list",
    scopes: [scopes.tagsList],
    ttl: "reference",
    schema: listTagsOutput,
  }),
};

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

export const tagsRouter = {
  list: publicProcedure.query(({ ctx }) =>
    ctx.cache.getOrLoad(tagsCache.list(), () => listTags(ctx.db).execute()),
  ),

  create: adminProcedure.input(createTagInput).mutation(({ ctx, input }) =>
    writeWithin(ctx, async (tx, afterCommit) => {
      const tag = await insertTag(tx, input);
      afterCommit(() => ctx.cache.invalidate([scopes.tagsList]));
      return tag;
    }).catch(refuseTakenSlug),
  ),

  update: adminProcedure.input(updateTagInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const tag = await writeWithin(ctx, async (tx, afterCommit) => {
      const updated = await updateTag(tx, id, changes);
      if (updated) afterCommit(() => ctx.cache.invalidate([scopes.tagsList]));
      return updated;
    }).catch(refuseTakenSlug);
    return tag ?? notFound(id);
  }),

  delete: adminProcedure.input(deleteTagInput).mutation(async ({ ctx, input }) => {
    const found = await writeWithin(ctx, async (tx, afterCommit) => {
      const deleted = await deleteTag(tx, input.id);
      if (deleted) afterCommit(() => ctx.cache.invalidate([scopes.tagsList]));
      return deleted;
    });
    if (!found) notFound(input.id);
    return { id: input.id };
  }),
} satisfies TRPCRouterRecord;
