import { and, desc, eq, exists, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database, Executor } from "../client";
import { posts, postTags, tags } from "../schema";

type PostStatus = "draft" | "published";

/** Keyset position in the (created_at desc, id desc) order. */
export interface PostCursor {
  createdAt: Date;
  id: number;
}

export interface ListPostsParams {
  authorId?: number | undefined;
  tagSlug?: string | undefined;
  status?: PostStatus | undefined;
  cursor?: PostCursor | undefined;
  limit: number;
  /** Whose drafts may be listed: everyone's (an admin), one author's (their own), or none. */
  drafts: "all" | "none" | { authorId: number };
}

function visibleTo(drafts: ListPostsParams["drafts"]) {
  if (drafts === "all") return undefined;
  const published = eq(posts.status, "published");
  return drafts === "none" ? published : or(published, eq(posts.authorId, drafts.authorId));
}

// Author, tags and cover come back inside the same statement: lateral joins, not a query
// per post. The cover's status is read with the post, never cached apart from it, so the
// thumbnail job marking it ready needs no invalidation.
const withAuthorTagsAndCover = {
  author: { columns: { id: true, name: true } },
  postTags: {
    columns: {},
    with: { tag: { columns: { id: true, name: true, slug: true, colour: true } } },
  },
  cover: { columns: { id: true, status: true, width: true, height: true, thumbnails: true } },
} as const;

const listColumns = {
  id: true,
  title: true,
  status: true,
  createdAt: true,
  publishedAt: true,
  coverMediaId: true,
} as const;

function flattenTags<T extends { postTags: { tag: unknown }[] }>(row: T) {
  const { postTags: links, ...rest } = row;
  return { ...rest, tags: links.map((l) => l.tag as T["postTags"][number]["tag"]) };
}

export async function listPosts(db: Database, params: ListPostsParams) {
  const filters: (SQL | undefined)[] = [
    params.authorId === undefined ? undefined : eq(posts.authorId, params.authorId),
    params.status === undefined ? undefined : eq(posts.status, params.status),
    visibleTo(params.drafts),
    params.tagSlug === undefined
      ? undefined
      : exists(
          db
            .select({ one: sql`1` })
            .from(postTags)
            .innerJoin(tags, eq(tags.id, postTags.tagId))
            .where(and(eq(postTags.postId, posts.id), eq(tags.slug, params.tagSlug))),
        ),
    params.cursor === undefined
      ? undefined
      : or(
          lt(posts.createdAt, params.cursor.createdAt),
          and(eq(posts.createdAt, params.cursor.createdAt), lt(posts.id, params.cursor.id)),
        ),
  ];
  const rows = await db.query.posts.findMany({
    columns: { ...listColumns, authorId: true },
    where: and(...filters),
    orderBy: [desc(posts.createdAt), desc(posts.id)],
    limit: params.limit + 1,
    with: withAuthorTagsAndCover,
  });
  const hasMore = rows.length > params.limit;
  const items = (hasMore ? rows.slice(0, params.limit) : rows).map(flattenTags);
  const last = items.at(-1);
  return {
    items,
    nextCursor: hasMore && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

export async function getPost(db: Executor, id: number) {
  const row = await db.query.posts.findFirst({
    where: eq(posts.id, id),
    with: withAuthorTagsAndCover,
  });
  return row ? flattenTags(row) : null;
}

/**
 * Who wrote a post, whether it is out and its cover: what deciding who may see or change it
 * needs.
 */
export async function getPostAccess(db: Executor, id: number) {
  const [row] = await db
    .select({ authorId: posts.authorId, status: posts.status, coverMediaId: posts.coverMediaId })
    .from(posts)
    .where(eq(posts.id, id));
  return row ?? null;
}

export interface PostInput {
  title: string;
  body: string;
  status: PostStatus;
  tagIds: number[];
  coverMediaId?: number | null | undefined;
}

async function replaceTags(tx: Executor, postId: number, tagIds: number[]) {
  await tx.delete(postTags).where(eq(postTags.postId, postId));
  if (tagIds.length > 0) {
    await tx.insert(postTags).values(tagIds.map((tagId) => ({ postId, tagId })));
  }
}

/** Inserts the post and its tag links; the caller supplies the transaction. */
export async function insertPost(tx: Executor, authorId: number, input: PostInput) {
  const [row] = await tx
    .insert(posts)
    .values({
      authorId,
      title: input.title,
      body: input.body,
      status: input.status,
      coverMediaId: input.coverMediaId ?? null,
      publishedAt: input.status === "published" ? new Date() : null,
    })
    .returning({ id: posts.id });
  await replaceTags(tx, row!.id, input.tagIds);
  return row!.id;
}

/**
 * Updates the fields given. Returns the post's author (whose cached posts the write changes),
 * or null when no such post exists.
 */
export async function updatePost(tx: Executor, id: number, input: Partial<PostInput>) {
  const { tagIds, ...fields } = input;
  const [row] = await tx
    .update(posts)
    .set({
      ...fields,
      // Publishing stamps the time once; moving back to draft clears it.
      ...(fields.status === "published"
        ? { publishedAt: sql`coalesce(${posts.publishedAt}, now())` }
        : fields.status === "draft"
          ? { publishedAt: null }
          : {}),
      updatedAt: new Date(),
    })
    .where(eq(posts.id, id))
    .returning({ authorId: posts.authorId });
  if (!row) return null;
  if (tagIds) await replaceTags(tx, id, tagIds);
  return row.authorId;
}

/** Returns the deleted post's author, or null when no such post exists. */
export async function deletePost(tx: Executor, id: number) {
  const [row] = await tx
    .delete(posts)
    .where(eq(posts.id, id))
    .returning({ authorId: posts.authorId });
  return row?.authorId ?? null;
}

/** Tag ids that do not exist, so a write can refuse them with a field error. */
export async function unknownTagIds(db: Executor, tagIds: number[]) {
  if (tagIds.length === 0) return [];
  const found = await db.select({ id: tags.id }).from(tags).where(inArray(tags.id, tagIds));
  const known = new Set(found.map((t) => t.id));
  return tagIds.filter((id) => !known.has(id));
}
