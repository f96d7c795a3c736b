import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

export default function AuthorNotFound() {
  return (
    <section className={clsx(ui.panel, ui.state)}>
      <h1>Author not found</h1>
      <p className={ui.muted}>
        No author has that id. They may have been removed, or the link is wrong.
      </p>
      <Link href="/authors" className={ui.button}>
        Back to Authors
      </Link>
    </section>
  );
}
