import type { Metadata } from "next";
import { connection } from "next/server";
import { parsePostsFilter } from "@/features/posts/filter";
import { postsListInput, postsListPaging } from "@/features/posts/queries";
import { getQueryClient, HydrateClient, prefetch, trpc } from "@/trpc/server";
import { PostsBrowser } from "./posts-browser";
import { PostsHeader } from "./posts-header";

export const metadata: Metadata = { title: "Posts" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PostsPage({ searchParams }: { searchParams: SearchParams }) {
  // Needs the database: render per request, never at build time.
  await connection();
  const filter = parsePostsFilter(await searchParams);

  // Both in process and at once; "Load more" later comes from the browser through /trpc.
  const tags = trpc.tags.list.queryOptions();
  const posts = trpc.posts.list.infiniteQueryOptions(postsListInput(filter), postsListPaging);
  await Promise.all([prefetch(tags), prefetch(posts)]);
  for (const { queryKey } of [tags, posts]) {
    const failed = getQueryClient().getQueryState(queryKey)?.error;
    if (failed) throw failed; // error.tsx shows it, with a retry button
  }

  return (
    <>
      <PostsHeader />
      <HydrateClient>
        <PostsBrowser filter={filter} />
      </HydrateClient>
    </>
  );
}
