import { asc, desc, eq, gt, type Placeholder, sql } from "drizzle-orm";
import type { Database, Executor } from "../client";
import { posts, users } from "../schema";

const userColumns = { id: true, name: true, role: true, createdAt: true } as const;
const postColumns = { id: true, title: true, body: true, createdAt: true } as const;

function latestPublished(limit: Placeholder) {
  return {
    columns: postColumns,
    where: eq(posts.status, "published"),
    orderBy: [desc(posts.createdAt), desc(posts.id)],
    limit,
  };
}

/** The statement behind users.list; `pnpm bench`'s ceiling runs this very SQL. */
export function listUsersQuery(db: Pick<Database, "query">) {
  return db.query.users.findMany({
    columns: userColumns,
    where: gt(users.id, sql.placeholder("cursor")),
    orderBy: asc(users.id),
    limit: sql.placeholder("limit"),
    with: { posts: latestPublished(sql.placeholder("postsPerUser")) },
  });
}

/**
 * The statement behind users.byId (through the request's loader): users by a list of ids,
 * each with their latest posts, one statement whatever the number of ids. `= any($ids)`
 * keeps one statement text for every batch size.
 */
export function usersByIdQuery(db: Pick<Database, "query">) {
  return db.query.users.findMany({
    columns: userColumns,
    where: sql`${users.id} = any(${sql.placeholder("ids")}::int[])`,
    with: { posts: latestPublished(sql.placeholder("postsLimit")) },
  });
}

/**
 * Building a relational query costs about 0.2 ms of CPU, more than the database takes to run
 * it; hot queries are built once per pool and executed with placeholders. The pool is named by
 * `db.query`, read once: with read replicas, each read of it picks the pool of this call.
 */
const prepared = new WeakMap<Database["query"], ReturnType<typeof prepare>>();
function prepare(pool: Pick<Database, "query">) {
  return {
    listUsers: listUsersQuery(pool).prepare("users_list"),
    usersById: usersByIdQuery(pool).prepare("users_by_id"),
  };
}
function queriesFor(db: Database) {
  const { query } = db;
  let queries = prepared.get(query);
  if (!queries) {
    queries = prepare({ query });
    prepared.set(query, queries);
  }
  return queries;
}

export interface ListUsersParams {
  /** Id of the last user already seen; the page starts after it. */
  cursor?: number | undefined;
  limit: number;
  postsPerUser: number;
}

/** A page of users in id order, each with their latest published posts: one statement. */
export async function listUsersWithPosts(db: Database, params: ListUsersParams) {
  const rows = await queriesFor(db).listUsers.execute({
    cursor: params.cursor ?? 0,
    limit: params.limit + 1,
    postsPerUser: params.postsPerUser,
  });
  const hasMore = rows.length > params.limit;
  const items = hasMore ? rows.slice(0, params.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

/** Users by id (behind users.byId's loader), each with their latest posts: one statement. */
export function getUsersById(db: Database, params: { ids: number[]; postsLimit: number }) {
  return queriesFor(db).usersById.execute(params);
}

/** Renames a user; null when no such user exists. */
export async function updateUserName(tx: Executor, id: number, name: string) {
  const [row] = await tx
    .update(users)
    .set({ name, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning({ id: users.id, name: users.name });
  return row ?? null;
}
