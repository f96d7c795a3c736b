import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

export default function EmailNotFound() {
  return (
    <section className={clsx(ui.panel, ui.state)}>
      <h1>Email not found</h1>
      <p className={ui.muted}>The dev mailbox has no email with that id, or the link is wrong.</p>
      <Link href="/mailbox" className={ui.button}>
        Back to the mailbox
      </Link>
    </section>
  );
}
