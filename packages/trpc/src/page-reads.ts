/**
 * The inputs the dashboard opens its pages with. The pages import them from here and the boot
 * warm-up calls the procedures with them, so what is warmed is exactly what a first render
 * reads. (No imports: client components import this too.)
 */
export const pageReads = {
  /** Authors: the first page of `users.list`, then "Load more" from the browser. */
  authors: { limit: 20, postsPerUser: 3 },
  /** The new-post editor's author picker: `users.list` without posts. */
  postAuthors: { limit: 100, postsPerUser: 0 },
} as const;
