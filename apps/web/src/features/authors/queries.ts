/**
 * The Authors list query, shared by the server component that prefetches it and the client
 * component that reads and extends it: both must build the very same query key.
 */
export const authorsListInput = { limit: 20, postsPerUser: 3 } as const;

export const authorsListPaging = {
  getNextPageParam: (lastPage: { nextCursor: number | null }) => lastPage.nextCursor,
};
