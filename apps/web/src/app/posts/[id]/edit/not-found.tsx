import Link from "next/link";

export default function PostNotFound() {
  return (
    <section className="panel state">
      <h1>Post not found</h1>
      <p className="muted">No post has that id. It may have been deleted, or the link is wrong.</p>
      <Link href="/posts" className="button">
        Back to Posts
      </Link>
    </section>
  );
}
