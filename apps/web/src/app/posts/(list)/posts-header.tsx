import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";

/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function PostsHeader() {
  return (
    <header className={clsx(ui.pageHeader, ui.pageHeaderRow)}>
      <div className={ui.pageHeaderText}>
        <h1>Posts</h1>
        <p className={ui.muted}>Everything written in this workspace, newest first.</p>
      </div>
      <Link href="/posts/new" className={ui.button}>
        New post
      </Link>
    </header>
  );
}
