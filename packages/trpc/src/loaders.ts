import type { Database } from "@brisk/db";
import { getUsersById } from "@brisk/db/queries/users";
import { type Link, trace } from "@opentelemetry/api";
import DataLoader from "dataloader";
import { tracer } from "./telemetry/tracing";

interface UserByIdKey {
  id: number;
  postsLimit: number;
}

/**
 * Lookups by id, batched per request: every `load` in the same tick becomes one statement.
 * A fresh set is made for each request context, so nothing is shared across requests or users.
 */
export function createLoaders(db: Database) {
  let userById: ReturnType<typeof userByIdLoader> | undefined;
  return {
    /** Behind users.byId: every lookup of one request in one statement. */
    get userById() {
      // Made on first use: most requests (every cache hit) never need one.
      userById ??= userByIdLoader(db);
      return userById;
    },
  };
}

function userByIdLoader(db: Database) {
  // The calls a batch serves, so its span links to each of their spans.
  const callers: Link[] = [];
  const loader = new DataLoader<
    UserByIdKey,
    Awaited<ReturnType<typeof getUsersById>>[number] | null,
    string
  >(
    async (keys) => {
      // One statement for the whole batch: the largest posts limit asked, trimmed per key.
      const load = async () => {
        const postsLimit = Math.max(...keys.map((k) => k.postsLimit));
        const ids = [...new Set(keys.map((k) => k.id))];
        const rows = await getUsersById(db, { ids, postsLimit });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return keys.map((key) => {
          const user = byId.get(key.id);
          return user ? { ...user, posts: user.posts.slice(0, key.postsLimit) } : null;
        });
      };
      const links = callers.splice(0);
      // A batch serving no recorded call has nothing to record.
      if (links.length === 0) return load();
      return tracer().startActiveSpan(
        "loader users.byId",
        { links, attributes: { "brisk.loader.keys": keys.length } },
        async (span) => {
          try {
            return await load();
          } finally {
            span.end();
          }
        },
      );
    },
    { cacheKeyFn: (key) => `${key.id}:${key.postsLimit}` },
  );
  return {
    load(key: UserByIdKey) {
      const caller = trace.getActiveSpan();
      if (caller?.isRecording()) callers.push({ context: caller.spanContext() });
      return loader.load(key);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
