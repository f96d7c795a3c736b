import type { Database } from "@brisk/db";
import { getUsersWithPosts } from "@brisk/db/queries/users";
import DataLoader from "dataloader";

export interface UserKey {
  id: number;
  postsLimit: number;
}

/**
 * Lookups by id, batched per request: every `load` in the same tick becomes one statement.
 * A fresh set is made for each request context, so nothing is shared across requests or users.
 */
export function createLoaders(db: Database) {
  return {
    userWithPosts: new DataLoader<
      UserKey,
      Awaited<ReturnType<typeof getUsersWithPosts>>[number] | null,
      string
    >(
      async (keys) => {
        // One statement for the whole batch: the largest posts limit asked, trimmed per key.
        const postsLimit = Math.max(...keys.map((k) => k.postsLimit));
        const ids = [...new Set(keys.map((k) => k.id))];
        const rows = await getUsersWithPosts(db, { ids, postsLimit });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return keys.map((key) => {
          const user = byId.get(key.id);
          return user ? { ...user, posts: user.posts.slice(0, key.postsLimit) } : null;
        });
      },
      { cacheKeyFn: (key) => `${key.id}:${key.postsLimit}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
