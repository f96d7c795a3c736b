import type { Database } from "@brisk/db";
import { listTags } from "@brisk/db/queries/tags";
import { listUsersWithPosts } from "@brisk/db/queries/users";
import { listUsersInput } from "../schemas/users";
import type { Cache } from "./cache";
import { cacheEntries } from "./entries";

/**
 * Boot warm-up, before /readyz says ready: the reference data every page reads, and the
 * authors list's first page with the procedure's defaults (what the dashboard opens on).
 */
export async function warmCache(cache: Cache, db: Database) {
  const firstPage = listUsersInput.parse({});
  await Promise.all([
    cache.warm(cacheEntries.tagsList(), () => listTags(db).execute()),
    cache.warm(cacheEntries.usersFirstPage(firstPage), () => listUsersWithPosts(db, firstPage)),
  ]);
}
