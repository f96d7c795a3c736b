import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

export default function NotFound() {
  return (
    <section className={clsx(ui.panel, ui.state)}>
      <h1>Page not found</h1>
      <p className={ui.muted}>There is nothing at this address.</p>
      <Link href="/authors" className={ui.button}>
        Go to Authors
      </Link>
    </section>
  );
}
