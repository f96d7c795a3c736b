import { navItem } from "./nav";

/** An honest placeholder for a page that a later issue will build. */
export function NotBuilt({ href }: { href: string }) {
  const item = navItem(href);
  return (
    <>
      <header className="page-header">
        <h1>{item.label}</h1>
      </header>
      <section className="panel panel-muted" aria-labelledby="not-built-title">
        <p className="eyebrow" id="not-built-title">
          Not built yet
        </p>
        <p>{item.summary}</p>
        <p className="muted">Coming with a later issue.</p>
      </section>
    </>
  );
}
