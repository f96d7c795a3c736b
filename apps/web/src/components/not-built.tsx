import { clsx } from "clsx";
import { navItem } from "./nav";
import ui from "./ui.module.css";

/** A page the dashboard links to but does not have yet: it says what is coming. */
export function NotBuilt({ href }: { href: string }) {
  const item = navItem(href);
  if (!item.soon) throw new Error(`${href} has no "soon" text in the navigation`);
  return (
    <>
      <header className={ui.pageHeader}>
        <h1>{item.label}</h1>
      </header>
      <section className={clsx(ui.panel, ui.panelMuted)} aria-labelledby="not-built-title">
        <p className={ui.eyebrow} id="not-built-title">
          On its way
        </p>
        <p>{item.soon}</p>
      </section>
    </>
  );
}
