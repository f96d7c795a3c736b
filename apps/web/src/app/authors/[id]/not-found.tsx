import Link from "next/link";

export default function AuthorNotFound() {
  return (
    <section className="panel state">
      <h1>Author not found</h1>
      <p className="muted">
        No author has that id. They may have been removed, or the link is wrong.
      </p>
      <Link href="/authors" className="button">
        Back to Authors
      </Link>
    </section>
  );
}
