/**
 * The Mailbox list query, shared by the server component that prefetches it and the client
 * component that reads and extends it: both must build the very same query key.
 */
export const mailboxListInput = { limit: 25 };

export const mailboxListPaging = {
  getNextPageParam: (lastPage: { nextCursor: number | null }) => lastPage.nextCursor,
};
