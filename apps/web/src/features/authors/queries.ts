import { pageReads } from "@brisk/trpc/page-reads";

/**
 * The Authors list query, shared by the server component that prefetches it and the client
 * component that reads and extends it: both must build the very same query key, and apps/api
 * warms the very same cache entry at boot.
 */
export const authorsListInput = pageReads.authors;

export const authorsListPaging = {
  getNextPageParam: (lastPage: { nextCursor: number | null }) => lastPage.nextCursor,
};
