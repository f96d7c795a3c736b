"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import Link from "next/link";
import { ListFooter } from "@/components/list-footer";
import ui from "@/components/ui.module.css";
import { authorsListInput, authorsListPaging } from "@/features/authors/queries";
import { RoleBadge } from "@/features/authors/role-badge";
import { excerpt, formatDate, isoDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import styles from "./authors-list.module.css";

export function AuthorsList() {
  const trpc = useTRPC();
  const query = useSuspenseInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(authorsListInput, authorsListPaging),
  );
  const authors = query.data.pages.flatMap((page) => page.items);

  if (authors.length === 0) {
    return (
      <section className={clsx(ui.panel, ui.state)} data-testid="authors-empty">
        <h2>No authors yet</h2>
        <p className={ui.muted}>
          The database has no users. Run <code>pnpm dev</code> from the repository root: it seeds a
          fresh database on first run.
        </p>
      </section>
    );
  }

  return (
    <>
      <ul className={styles.authorGrid} aria-label="Authors">
        {authors.map((author) => (
          <li
            key={author.id}
            className={clsx(ui.card, styles.authorCard)}
            data-testid="author-card"
          >
            <div className={styles.authorHead}>
              <span className={styles.avatar} aria-hidden="true">
                {initials(author.name)}
              </span>
              <div className={styles.authorMeta}>
                <h2 className={styles.authorName}>
                  <Link href={`/authors/${author.id}`}>{author.name}</Link>
                </h2>
                <p className={clsx(ui.muted, ui.small)}>
                  Joined{" "}
                  <time dateTime={isoDate(author.createdAt)}>{formatDate(author.createdAt)}</time>
                </p>
              </div>
              <RoleBadge role={author.role} />
            </div>
            {author.posts.length === 0 ? (
              <p className={clsx(ui.muted, ui.small)}>No published posts yet.</p>
            ) : (
              <ul className={styles.postList} aria-label={`Latest posts by ${author.name}`}>
                {author.posts.map((post) => (
                  <li key={post.id} className={styles.postItem} data-testid="author-post">
                    <p className={styles.postTitle}>{post.title}</p>
                    <p className={styles.postExcerpt}>{excerpt(post.body, 120)}</p>
                    <time className={clsx(ui.muted, ui.small)} dateTime={isoDate(post.createdAt)}>
                      {formatDate(post.createdAt)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>

      <ListFooter
        pages={query}
        shown={authors.length}
        noun={{ one: "author", many: "authors" }}
        end={
          <p className={clsx(ui.muted, ui.small)} data-testid="authors-end">
            That's everyone
          </p>
        }
      />
    </>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const first = parts[0]?.[0] ?? "";
  const last = parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}
