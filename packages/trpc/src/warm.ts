import { pageReads } from "./page-reads";
import type { createCaller } from "./router";

/**
 * Boot warm-up, before the process says it is ready: the procedures the dashboard opens its
 * pages with, called with the very inputs the pages send, so the cache entries they fill are
 * the ones a first render reads.
 */
export async function warmCache(caller: ReturnType<typeof createCaller>) {
  await Promise.all([
    caller.tags.list(),
    caller.users.list(pageReads.authors),
    caller.users.list(pageReads.postAuthors),
  ]);
}
