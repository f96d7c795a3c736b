import type { Executor } from "@brisk/db";
import { getMediaOwnership } from "@brisk/db/queries/media";
import {
  deletePost,
  getPost,
  getPostAccess,
  insertPost,
  listPosts,
  unknownTagIds,
  updatePost,
} from "@brisk/db/queries/posts";
import type { TRPCRouterRecord } from "@trpc/server";
import { type Actor, isAdmin, mayActFor, userIdOf } from "../auth/access";
import type { Caller } from "../auth/identity";
import { scopes } from "../cache-scopes";
import { FOREIGN_KEY_VIOLATION, violatedConstraint } from "../constraint";
import type { Context } from "../context";
import { publicProcedure, signedInProcedure, TRPCError } from "../init";
import {
  createPostInput,
  deletePostInput,
  encodePostCursor,
  listPostsInput,
  postByIdInput,
  updatePostInput,
} from "../schemas/posts";
import { writeWithin } from "../write";
import { withCover } from "./post-cover";

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

/**
 * A draft is its author's and admins' to read. To anyone else it does not exist: they are
 * told 404, as for an id never used, so drafts' ids do not leak (docs/ARCHITECTURE.md).
 */
function mayRead(caller: Caller, post: { authorId: number; status: string }) {
  return post.status === "published" || mayActFor(caller, post.authorId);
}

/** The author of a new post: the caller, or whoever an admin names. */
function authorOf(actor: Actor, named: number | undefined): number {
  const self = userIdOf(actor);
  if (named !== undefined && named !== self && !isAdmin(actor)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "You can only write posts as yourself: leave out authorId.",
    });
  }
  const author = named ?? self;
  if (author === undefined) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "An API key is not a user: name the post's authorId.",
    });
  }
  return author;
}

/**
 * Locks nothing: a post's author never changes, and a concurrent delete just finds no row.
 * Returns the post's author and cover.
 */
async function requireEditable(tx: Executor, actor: Actor, id: number) {
  const post = await getPostAccess(tx, id);
  if (!post || !mayRead(actor, post)) notFound(id);
  if (!mayActFor(actor, post.authorId)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Only this post's author or an admin can change it.",
    });
  }
  return post;
}

/**
 * A cover is an image the post's author uploaded; an admin may choose any image. Otherwise
 * anyone could show someone else's upload on their post. (A media's owner never changes, so
 * nothing is locked; a concurrent delete of the media fails the write on its foreign key.)
 */
async function requireCover(tx: Executor, actor: Actor, authorId: number, mediaId: number) {
  const media = await getMediaOwnership(tx, mediaId);
  if (!media) throw new TRPCError({ code: "BAD_REQUEST", message: "Unknown coverMediaId" });
  if (!media.contentType.startsWith("image/")) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Media ${mediaId} is not an image: choose an uploaded image as the cover.`,
    });
  }
  if (media.ownerId !== authorId && !isAdmin(actor)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "A cover must be an image the post's author uploaded: upload it again here.",
    });
  }
}

/**
 * A written post as the reads answer it, read in the write's own transaction: once that has
 * committed, nothing is left that could fail the call and make a saved post look unsaved.
 */
async function readBack(tx: Executor, ctx: Context, id: number) {
  const post = await getPost(tx, id);
  return post ? withCover(post, ctx.mediaUrl) : notFound(id);
}

/** A post shows in its author's detail and in the authors list: both drop after a write. */
function postScopes(authorId: number) {
  return [scopes.user(authorId), scopes.usersList];
}

export const postsRouter = {
  list: publicProcedure.input(listPostsInput).query(async ({ ctx, input }) => {
    const caller = await ctx.caller();
    const self = userIdOf(caller);
    const page = await listPosts(ctx.db, {
      ...input,
      tagSlug: input.tag,
      cursor: input.cursor ?? undefined,
      drafts: isAdmin(caller) ? "all" : self === undefined ? "none" : { authorId: self },
    });
    return {
      items: page.items.map((post) => withCover(post, ctx.mediaUrl)),
      nextCursor: encodePostCursor(page.nextCursor),
    };
  }),

  byId: publicProcedure.input(postByIdInput).query(async ({ ctx, input }) => {
    const [post, caller] = await Promise.all([getPost(ctx.db, input.id), ctx.caller()]);
    if (!post || !mayRead(caller, post)) notFound(input.id);
    return withCover(post, ctx.mediaUrl);
  }),

  create: signedInProcedure.input(createPostInput).mutation(async ({ ctx, input }) => {
    const { authorId: named, ...post } = input;
    const authorId = authorOf(ctx.actor, named);
    return writeWithin(ctx, async (tx, afterCommit) => {
      refuseUnknownTags(await unknownTagIds(tx, post.tagIds));
      if (post.coverMediaId != null) await requireCover(tx, ctx.actor, authorId, post.coverMediaId);
      const created = await insertPost(tx, authorId, post);
      afterCommit(() => ctx.cache.invalidate(postScopes(authorId)));
      return readBack(tx, ctx, created);
    }).catch(refuseMissingReference);
  }),

  update: signedInProcedure.input(updatePostInput).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    return writeWithin(ctx, async (tx, afterCommit) => {
      const current = await requireEditable(tx, ctx.actor, id);
      if (changes.tagIds) refuseUnknownTags(await unknownTagIds(tx, changes.tagIds));
      // The cover it has is kept as it is: an admin may have chosen it, and the editor sends
      // the whole form back.
      if (changes.coverMediaId != null && changes.coverMediaId !== current.coverMediaId) {
        await requireCover(tx, ctx.actor, current.authorId, changes.coverMediaId);
      }
      const author = await updatePost(tx, id, changes);
      if (author === null) notFound(id);
      afterCommit(() => ctx.cache.invalidate(postScopes(author)));
      return readBack(tx, ctx, id);
    }).catch(refuseMissingReference);
  }),

  delete: signedInProcedure.input(deletePostInput).mutation(async ({ ctx, input }) => {
    const authorId = await writeWithin(ctx, async (tx, afterCommit) => {
      await requireEditable(tx, ctx.actor, input.id);
      const author = await deletePost(tx, input.id);
      if (author !== null) afterCommit(() => ctx.cache.invalidate(postScopes(author)));
      return author;
    });
    if (authorId === null) notFound(input.id);
    return { id: input.id };
  }),
} satisfies TRPCRouterRecord;
