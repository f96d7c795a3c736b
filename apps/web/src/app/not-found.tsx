import Link from "next/link";

export default function NotFound() {
  return (
    <section className="panel state">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link href="/authors" className="button">
        Go to Authors
      </Link>
    </section>
  );
}
