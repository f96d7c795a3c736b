import { asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "../client";
import { posts, users } from "../schema";

const userColumns = { id: true, name: true, role: true, createdAt: true } as const;
const postColumns = { id: true, title: true, body: true, createdAt: true } as const;
function latestPublished(limit: number) {
  return {
    columns: postColumns,
    where: eq(posts.status, "published"),
    orderBy: [desc(posts.createdAt), desc(posts.id)],
    limit,
  };
}

export interface ListUsersParams {
  /** Id of the last user already seen; the page starts after it. */
  cursor?: number | undefined;
  limit: number;
  postsPerUser: number;
}

/** Users by id, each with their latest published posts: one statement (a lateral join). */
export async function listUsersWithPosts(db: Database, params: ListUsersParams) {
  const rows = await db.query.users.findMany({
    columns: userColumns,
    where: params.cursor === undefined ? undefined : gt(users.id, params.cursor),
    orderBy: asc(users.id),
    limit: params.limit + 1,
    with: { posts: latestPublished(params.postsPerUser) },
  });
  const hasMore = rows.length > params.limit;
  const items = hasMore ? rows.slice(0, params.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

export async function getUserWithPosts(db: Database, params: { id: number; postsLimit: number }) {
  const user = await db.query.users.findFirst({
    columns: { ...userColumns, email: true },
    where: eq(users.id, params.id),
    with: { posts: latestPublished(params.postsLimit) },
  });
  return user ?? null;
}

/**
 * Many users by id with their latest posts, for the request-scoped loader: one statement
 * whatever the number of ids (each user's posts come from the same lateral join).
 */
export function getUsersWithPosts(db: Database, params: { ids: number[]; postsLimit: number }) {
  return db.query.users.findMany({
    columns: { ...userColumns, email: true },
    where: inArray(users.id, params.ids),
    with: { posts: latestPublished(params.postsLimit) },
  });
}
