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

/** The statement behind users.list; `pnpm bench`'s ceiling runs this very SQL. */
export function listUsersQuery(db: Database, params: ListUsersParams) {
  return db.query.users.findMany({
    columns: userColumns,
    where: params.cursor === undefined ? undefined : gt(users.id, params.cursor),
    orderBy: asc(users.id),
    limit: params.limit + 1,
    with: { posts: latestPublished(params.postsPerUser) },
  });
}

/** Users by id, each with their latest published posts: one statement (a lateral join). */
export async function listUsersWithPosts(db: Database, params: ListUsersParams) {
  const rows = await listUsersQuery(db, params);
  const hasMore = rows.length > params.limit;
  const items = hasMore ? rows.slice(0, params.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
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
