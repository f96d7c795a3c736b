/**
 * Redis key prefix of everything procedures cache. Bump the number when a cached shape
 * changes, so a deploy never reads entries of the previous shape (their schemas would reject
 * them anyway, as misses).
 */
export const CACHE_PREFIX = "brisk:1:";

/** What writes invalidate: each write names the scopes of the rows it changed. */
export const scopes = {
  /** A user's own row and their posts. */
  user: (id: number) => `user:${id}`,
  /** Every cached page of the authors list (a page shows its authors' latest posts). */
  usersList: "users.list",
  tagsList: "tags.list",
  /** One session (by the hash of its token). */
  session: (id: string) => `session:${id}`,
  /** One API key (by the hash of the key). */
  apiKey: (hash: string) => `api-key:${hash}`,
};
