"use client";

import { clsx } from "clsx";
import { useRouter } from "next/navigation";
import { useOptimistic, useTransition } from "react";
import { type PostsFilter, postsHref } from "@/features/posts/filter";
import styles from "./posts-browser.module.css";
import { PostsFilters } from "./posts-filters";
import { PostsList } from "./posts-list";

/**
 * The filter lives in the URL so that a filtered list can be shared. Changing it navigates:
 * the server renders the new first page in process. Until that arrives the filter already
 * shows the new choice and the old list stays on screen, dimmed.
 */
export function PostsBrowser({ filter }: { filter: PostsFilter }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [chosen, setChosen] = useOptimistic(filter);

  function changeFilter(next: PostsFilter) {
    startTransition(() => {
      setChosen(next);
      router.replace(postsHref(next), { scroll: false });
    });
  }

  return (
    <>
      <PostsFilters filter={chosen} onChange={changeFilter} />
      <div
        className={clsx(styles.postsResults, isPending && styles.isPending)}
        aria-busy={isPending}
      >
        <PostsList filter={filter} />
      </div>
    </>
  );
}
