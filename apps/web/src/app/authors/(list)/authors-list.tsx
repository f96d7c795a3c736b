"use client";

import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ListFooter } from "@/components/list-footer";
import { authorsListInput, authorsListPaging } from "@/features/authors/queries";
import { excerpt, formatDate, isoDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

export function AuthorsList() {
  const trpc = useTRPC();
  const query = useSuspenseInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(authorsListInput, authorsListPaging),
  );
  const authors = query.data.pages.flatMap((page) => page.items);

  if (authors.length === 0) {
    return (
      <section className="panel state" data-testid="authors-empty">
        <h2>No authors yet</h2>
        <p className="muted">
          The database has no users. Run <code>pnpm dev</code> from the repository root: it seeds a
          fresh database on first run.
        </p>
      </section>
    );
  }

  return (
    <>
      <ul className="author-grid" aria-label="Authors">
        {authors.map((author) => (
          <li key={author.id} className="card author-card" data-testid="author-card">
            <div className="author-head">
              <span className="avatar" aria-hidden="true">
                {initials(author.name)}
              </span>
              <div className="author-meta">
                <h2 className="author-name">
                  <Link href={`/authors/${author.id}`}>{author.name}</Link>
                </h2>
                <p className="muted small">
                  Joined{" "}
                  <time dateTime={isoDate(author.createdAt)}>{formatDate(author.createdAt)}</time>
                </p>
              </div>
              <span className={`badge badge-${author.role}`}>{author.role}</span>
            </div>
            {author.posts.length === 0 ? (
              <p className="muted small">No published posts yet.</p>
            ) : (
              <ul className="post-list" aria-label={`Latest posts by ${author.name}`}>
                {author.posts.map((post) => (
                  <li key={post.id} className="post-item" data-testid="author-post">
                    <p className="post-title">{post.title}</p>
                    <p className="post-excerpt">{excerpt(post.body, 120)}</p>
                    <time className="muted small" dateTime={isoDate(post.createdAt)}>
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
          <p className="muted small" data-testid="authors-end">
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
