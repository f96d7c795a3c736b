import {
  deletePost,
  getPost,
  insertPost,
  listPosts,
  unknownTagIds,
  updatePost,
} from "@brisk/db/queries/posts";
import type { TRPCRouterRecord } from "@trpc/server";
import { scopes } from "../cache-scopes";
import { FOREIGN_KEY_VIOLATION, violatedConstraint } from "../constraint";
import { publicProcedure, TRPCError } from "../init";
import {
  createPostInput,
  deletePostInput,
  encodePostCursor,
  listPostsInput,
  postByIdInput,
  updatePostInput,
} from "../schemas/posts";
import { writeWithin } from "../write";

function refuseUnknownTags(unknown: number[]) {
  if (unknown.length === 0) return;
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: `Unknown tag ids: ${unknown.join(", ")}`,
  });
}

// The foreign keys a post write can break, and the input field each one belongs to.
const REFERENCES: Record<string, string> = {
  posts_author_id_users_id_fk: "authorId",
  posts_cover_media_id_media_id_fk: "coverMediaId",
};

/** A write naming an author or cover that does not exist is the caller's mistake: a 400. */
function refuseMissingReference(error: unknown): never {
  const constraint = violatedConstraint(error, FOREIGN_KEY_VIOLATION);
  const field = constraint ? REFERENCES[constraint] : undefined;
  if (field)
    throw new TRPCError({ code: "BAD_REQUEST", message: `Unknown ${field}`, cause: error });
  throw error;
}

function notFound(id: number): never {
  throw new TRPCError({ code: "NOT_FOUND", message: `No post with id ${id}` });
}

/** A post shows in its author's detail and in the authors list: both drop after a write. */
function postScopes(authorId: number) {
  return [scopes.user(authorId), scopes.usersList];
}

export const postsRouter = {
  list: publicProcedure.input(listPostsInput).query(async ({ ctx, input }) => {
    const page = await listPosts(ctx.db, {
      ...input,
      tagSlug: input.tag,
      cursor: input.cursor ?? undefined,
    });
    return { items: page.items, nextCursor: encodePostCursor(page.nextCursor) };
  }),

  byId: publicProcedure.input(postByIdInput).query(async ({ ctx, input }) => {
    return (await getPost(ctx.db, input.id)) ?? notFound(input.id);
  }),

  create: publicProcedure.input(createPostInput).mutation(async ({ ctx, input }) => {
    const { authorId, ...post } = input;
    const id = await writeWithin(ctx, async (tx, afterCommit) => {
      refuseUnknownTags(await unknownTagIds(tx, post.tagIds));
      const created = await insertPost(tx, authorId, post);
      afterCommit(() => ctx.cache.invalidate(postScopes(authorId)));
      return created;
    }).catch(refuseMissingReference);
    return (await getPost(ctx.db, id)) ?? notFound(id);
  }),

  update: publicProcedure.input(updatePostInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const authorId = await writeWithin(ctx, async (tx, afterCommit) => {
      if (changes.tagIds) refuseUnknownTags(await unknownTagIds(tx, changes.tagIds));
      const author = await updatePost(tx, id, changes);
      if (author !== null) afterCommit(() => ctx.cache.invalidate(postScopes(author)));
      return author;
    }).catch(refuseMissingReference);
    if (authorId === null) notFound(id);
    return (await getPost(ctx.db, id)) ?? notFound(id);
  }),

  delete: publicProcedure.input(deletePostInput).mutation(async ({ ctx, input }) => {
    const authorId = await writeWithin(ctx, async (tx, afterCommit) => {
      const author = await deletePost(tx, input.id);
      if (author !== null) afterCommit(() => ctx.cache.invalidate(postScopes(author)));
      return author;
    });
    if (authorId === null) notFound(input.id);
    return { id: input.id };
  }),
} satisfies TRPCRouterRecord;
