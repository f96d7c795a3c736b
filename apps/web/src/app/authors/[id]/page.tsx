import { TRPCError } from "@trpc/server";
import { clsx } from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import ui from "@/components/ui.module.css";
import { RoleBadge } from "@/features/authors/role-badge";
import { formatDate, isoDate } from "@/lib/format";
import { parseId } from "@/lib/ids";
import { serverCaller } from "@/trpc/server";
import styles from "./page.module.css";

type Params = Promise<{ id: string }>;

/** One in-process call per request, shared by generateMetadata and the page. */
const loadAuthor = cache(async (raw: string) => {
  await connection();
  const id = parseId(raw);
  if (id === null) notFound();
  try {
    const caller = await serverCaller();
    return await caller.users.byId({ id, postsLimit: 10 });
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const author = await loadAuthor((await params).id);
  return { title: author.name };
}

export default async function AuthorPage({ params }: { params: Params }) {
  const author = await loadAuthor((await params).id);

  return (
    <>
      <nav className={ui.breadcrumb} aria-label="Breadcrumb">
        <Link href="/authors">Authors</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{author.name}</span>
      </nav>

      <header className={ui.pageHeader}>
        <div>
          <h1>{author.name}</h1>
          <dl className={styles.facts}>
            <div>
              <dt>Role</dt>
              <dd>
                <RoleBadge role={author.role} />
              </dd>
            </div>
            {/* users.byId tells an email to that user and to admins only. */}
            {author.email ? (
              <div>
                <dt>Email</dt>
                <dd>
                  <a href={`mailto:${author.email}`}>{author.email}</a>
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Joined</dt>
              <dd>
                <time dateTime={isoDate(author.createdAt)}>{formatDate(author.createdAt)}</time>
              </dd>
            </div>
          </dl>
        </div>
      </header>

      <section aria-labelledby="posts-title">
        <h2 id="posts-title" className={ui.sectionTitle}>
          Latest posts
        </h2>
        {author.posts.length === 0 ? (
          <div className={clsx(ui.panel, ui.panelMuted)}>
            <p className={ui.muted}>{author.name} has not published anything yet.</p>
          </div>
        ) : (
          <ol className={styles.articleList}>
            {author.posts.map((post) => (
              <li
                key={post.id}
                className={clsx(ui.card, styles.article)}
                data-testid="author-article"
              >
                <h3 className={styles.articleTitle}>{post.title}</h3>
                <time className={clsx(ui.muted, ui.small)} dateTime={isoDate(post.createdAt)}>
                  {formatDate(post.createdAt)}
                </time>
                <div className={styles.articleBody}>
                  {post.body.split(/\n{2,}/).map((paragraph, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text
                    <p key={i}>{paragraph}</p>
                  ))}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
