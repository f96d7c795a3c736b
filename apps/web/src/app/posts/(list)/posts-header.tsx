import Link from "next/link";

/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function PostsHeader() {
  return (
    <header className="page-header page-header-row">
      <div className="page-header-text">
        <h1>Posts</h1>
        <p className="muted">Everything written in this workspace, newest first.</p>
      </div>
      <Link href="/posts/new" className="button">
        New post
      </Link>
    </header>
  );
}
