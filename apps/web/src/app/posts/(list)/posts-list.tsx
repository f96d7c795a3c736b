"use client";

import { useSuspenseInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import Link from "next/link";
import { ListFooter } from "@/components/list-footer";
import ui from "@/components/ui.module.css";
import { mayChange } from "@/features/account/viewer";
import { useViewer } from "@/features/account/viewer-context";
import { CoverPlaceholder, CoverThumbnail, isReady } from "@/features/posts/cover";
import { type PostStatus, type PostsFilter, postsHref } from "@/features/posts/filter";
import { postsListInput, postsListPaging } from "@/features/posts/queries";
import { TagChip } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";
import { formatDate, isoDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import styles from "./posts-list.module.css";

const statusClass: Record<PostStatus, string | undefined> = {
  draft: ui.badgeDraft,
  published: ui.badgePublished,
};

export function PostsList({ filter }: { filter: PostsFilter }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const query = useSuspenseInfiniteQuery(
    trpc.posts.list.infiniteQueryOptions(postsListInput(filter), postsListPaging),
  );
  const posts = query.data.pages.flatMap((page) => page.items);

  if (posts.length === 0) return <NoPosts filter={filter} />;

  return (
    <>
      {/* Row links do not prefetch: a long list would have the server render every post's
          editor and author page. A post opens in the editor for those who may change it. */}
      <ul className={styles.postRows} aria-label="Posts">
        {posts.map((post) => (
          <li key={post.id} className={clsx(ui.card, styles.postRow)} data-testid="post-row">
            {post.cover ? (
              <div className={styles.postCover}>
                {isReady(post.cover) ? (
                  <CoverThumbnail cover={post.cover} />
                ) : (
                  <CoverPlaceholder cover={post.cover} className={styles.postCoverPending} />
                )}
              </div>
            ) : null}
            <div className={styles.postRowMain}>
              <h2 className={styles.postRowTitle}>
                <Link
                  href={
                    mayChange(viewer, post.author.id)
                      ? `/posts/${post.id}/edit`
                      : `/posts/${post.id}`
                  }
                  prefetch={false}
                >
                  {post.title}
                </Link>
              </h2>
              <p className={clsx(ui.muted, ui.small)}>
                <Link
                  href={`/authors/${post.author.id}`}
                  className={styles.quietLink}
                  prefetch={false}
                >
                  {post.author.name}
                </Link>
                <span aria-hidden="true"> · </span>
                {post.publishedAt ? "Published " : "Created "}
                <time dateTime={isoDate(post.publishedAt ?? post.createdAt)}>
                  {formatDate(post.publishedAt ?? post.createdAt)}
                </time>
              </p>
              {post.tags.length > 0 ? (
                <ul className={chip.tagList} aria-label="Tags">
                  {post.tags.map((tag) => (
                    <li key={tag.id}>
                      <TagChip tag={tag} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
            <span className={clsx(ui.badge, statusClass[post.status])}>{post.status}</span>
          </li>
        ))}
      </ul>

      <ListFooter
        pages={query}
        shown={posts.length}
        noun={{ one: "post", many: "posts" }}
        end={<p className={clsx(ui.muted, ui.small)}>That's all of them</p>}
      />
    </>
  );
}

function NoPosts({ filter }: { filter: PostsFilter }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const { data: tags } = useSuspenseQuery(trpc.tags.list.queryOptions());
  const drafts = filter.status === "draft";
  const kind = filter.status ? (drafts ? "draft" : "published post") : "post";

  if (filter.tag !== undefined) {
    const tag = tags.find((candidate) => candidate.slug === filter.tag);
    return (
      <section className={clsx(ui.panel, ui.state)} data-testid="posts-empty">
        <h2>{tag ? "No posts with this tag yet" : "There is no such tag"}</h2>
        <p className={ui.muted}>
          {tag
            ? `No ${kind} is tagged ${tag.name}.`
            : `No tag has the slug “${filter.tag}”. The link may be out of date.`}
        </p>
        <Link
          href={postsHref({ ...filter, tag: undefined })}
          className={clsx(ui.button, ui.buttonSecondary)}
        >
          Show every tag
        </Link>
      </section>
    );
  }

  return (
    <section className={clsx(ui.panel, ui.state)} data-testid="posts-empty">
      <h2>{filter.status ? (drafts ? "No drafts" : "Nothing published yet") : "No posts yet"}</h2>
      <p className={ui.muted}>Posts appear here as soon as they are saved.</p>
      {viewer ? (
        <Link href="/posts/new" className={ui.button}>
          Write a post
        </Link>
      ) : null}
    </section>
  );
}
