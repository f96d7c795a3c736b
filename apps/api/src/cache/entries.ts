import { listTagsOutput } from "../schemas/tags";
import { listUsersOutput, userByIdOutput } from "../schemas/users";
import type { CacheEntry } from "./cache";

/**
 * Redis key prefix. Bump the number when a cached shape changes, so a deploy never reads
 * entries of the previous shape (the schemas would reject them anyway, as misses).
 */
export const CACHE_PREFIX = "brisk:1:";

/** What writes invalidate: each write names the scopes of the rows it changed. */
export const scopes = {
  /** A user's own row and their posts. */
  user: (id: number) => `user:${id}`,
  /** Every cached page of the authors list (a page shows its authors' latest posts). */
  usersList: "users.list",
  tagsList: "tags.list",
};

/** Every cached answer, named after the procedure that serves it. */
export const cacheEntries = {
  userById: (input: { id: number; postsLimit: number }) =>
    ({
      key: `users.byId:${input.id}:${input.postsLimit}`,
      scopes: [scopes.user(input.id)],
      ttl: "user",
      schema: userByIdOutput,
    }) satisfies CacheEntry<unknown>,

  usersFirstPage: (input: { limit: number; postsPerUser: number }) =>
    ({
      key: `users.list:first:${input.limit}:${input.postsPerUser}`,
      scopes: [scopes.usersList],
      ttl: "user",
      schema: listUsersOutput,
    }) satisfies CacheEntry<unknown>,

  tagsList: () =>
    ({
      key: "tags.list",
      scopes: [scopes.tagsList],
      ttl: "reference",
      schema: listTagsOutput,
    }) satisfies CacheEntry<unknown>,
};
