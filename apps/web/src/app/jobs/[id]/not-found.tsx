import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

export default function RunNotFound() {
  return (
    <section className={clsx(ui.panel, ui.state)}>
      <h1>Run not found</h1>
      <p className={ui.muted}>The executor has no run with that id, or the link is wrong.</p>
      <Link href="/jobs" className={ui.button}>
        Back to Jobs
      </Link>
    </section>
  );
}
