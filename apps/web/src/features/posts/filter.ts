import type { RouterInputs } from "@brisk/api-contract";
import { z } from "zod";

export type PostStatus = NonNullable<RouterInputs["posts"]["list"]["status"]>;

/** The list filter a shareable /posts URL carries: `?tag=<slug>&status=<draft|published>`. */
export interface PostsFilter {
  tag?: string;
  status?: PostStatus;
}

export const postStatuses = ["published", "draft"] as const satisfies readonly PostStatus[];

// The bounds posts.list accepts: a value it would refuse is dropped here instead of failing
// the whole page, so a mistyped link still shows posts.
const tagParam = z
  .string()
  .max(64)
  .regex(/^[a-z0-9-]+$/);
const statusParam = z.enum(postStatuses);

export function parsePostsFilter(params: Record<string, string | string[] | undefined>) {
  const filter: PostsFilter = {};
  const tag = tagParam.safeParse(params.tag);
  if (tag.success) filter.tag = tag.data;
  const status = statusParam.safeParse(params.status);
  if (status.success) filter.status = status.data;
  return filter;
}

export function postsHref(filter: PostsFilter): string {
  const params = new URLSearchParams();
  if (filter.tag) params.set("tag", filter.tag);
  if (filter.status) params.set("status", filter.status);
  const query = params.toString();
  return query ? `/posts?${query}` : "/posts";
}
