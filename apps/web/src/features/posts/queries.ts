import { pageReads } from "@brisk/trpc/page-reads";
import type { PostsFilter } from "./filter";

/**
 * The Posts queries, shared by the server components that prefetch them and the client
 * components that read and extend them: both must build the very same query keys.
 */
export function postsListInput(filter: PostsFilter) {
  // Spelled out so an absent filter leaves no key behind: the key must match on both sides.
  return {
    ...(filter.tag ? { tag: filter.tag } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    limit: 20,
  };
}

export const postsListPaging = {
  getNextPageParam: (lastPage: { nextCursor: string | null }) => lastPage.nextCursor,
};

/** Who may be picked as a new post's author until sign-in names them (users.list, no posts). */
export const postAuthorsInput = pageReads.postAuthors;
