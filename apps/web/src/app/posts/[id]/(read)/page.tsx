import { TRPCError } from "@trpc/server";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import ui from "@/components/ui.module.css";
import { mayChange } from "@/features/account/viewer";
import { CoverImage, CoverPlaceholder, isReady } from "@/features/posts/cover";
import { TagChip } from "@/features/posts/tag-chip";
import chip from "@/features/posts/tag-chip.module.css";
import { formatDate, isoDate } from "@/lib/format";
import { parseId } from "@/lib/ids";
import { currentViewer } from "@/server/viewer";
import { serverCaller } from "@/trpc/server";
import styles from "./page.module.css";

type Params = Promise<{ id: string }>;

/** One in-process call per request, shared by generateMetadata and the page. */
const loadPost = cache(async (raw: string) => {
  await connection();
  const id = parseId(raw);
  if (id === null) notFound();
  try {
    const caller = await serverCaller();
    return await caller.posts.byId({ id });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const post = await loadPost((await params).id);
  return { title: post.title };
}

/** A post as everyone may read it; its author and admins are offered the editor. */
export default async function PostPage({ params }: { params: Params }) {
  const [post, viewer] = await Promise.all([loadPost((await params).id), currentViewer()]);
  const date = post.publishedAt ?? post.createdAt;

  return (
    <>
      <nav className={ui.breadcrumb} aria-label="Breadcrumb">
        <Link href="/posts">Posts</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{post.title}</span>
      </nav>

      <header className={clsx(ui.pageHeader, ui.pageHeaderRow)}>
        <div className={ui.pageHeaderText}>
          <h1>{post.title}</h1>
          <p className={ui.muted}>
            <Link href={`/authors/${post.author.id}`}>{post.author.name}</Link>
            <span aria-hidden="true"> · </span>
            {post.publishedAt ? "Published " : "Created "}
            <time dateTime={isoDate(date)}>{formatDate(date)}</time>
            {post.status === "draft" ? (
              <>
                {" "}
                <span className={clsx(ui.badge, ui.badgeDraft)}>draft</span>
              </>
            ) : null}
          </p>
        </div>
        {mayChange(viewer, post.author.id) ? (
          <Link href={`/posts/${post.id}/edit`} className={ui.button}>
            Edit post
          </Link>
        ) : null}
      </header>

      <article className={clsx(ui.card, styles.post)}>
        {post.cover ? (
          isReady(post.cover) ? (
            // The browser picks a thumbnail by the width it lays out and its pixel density.
            <CoverImage
              cover={post.cover}
              preferred={640}
              sizes="(max-width: 820px) calc(100vw - 2rem), 704px"
              alt=""
              eager
            />
          ) : (
            <CoverPlaceholder cover={post.cover} className={styles.coverPending} />
          )
        ) : null}
        {post.tags.length > 0 ? (
          <ul className={chip.tagList} aria-label="Tags">
            {post.tags.map((tag) => (
              <li key={tag.id}>
                <TagChip tag={tag} />
              </li>
            ))}
          </ul>
        ) : null}
        <div className={styles.postBody}>
          {post.body.split(/\n{2,}/).map((paragraph, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text
            <p key={i}>{paragraph}</p>
          ))}
        </div>
      </article>
    </>
  );
}
