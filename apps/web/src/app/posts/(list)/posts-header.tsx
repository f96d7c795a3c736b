"use client";

import { clsx } from "clsx";
import Link from "next/link";
import ui from "@/components/ui.module.css";
import { useViewer } from "@/features/account/viewer-context";

/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function PostsHeader() {
  const viewer = useViewer();
  return (
    <header className={clsx(ui.pageHeader, ui.pageHeaderRow)}>
      <div className={ui.pageHeaderText}>
        <h1>Posts</h1>
        <p className={ui.muted}>Everything written in this workspace, newest first.</p>
      </div>
      {/* Writing needs an account: signed out, the sidebar offers one. */}
      {viewer ? (
        <Link href="/posts/new" className={ui.button}>
          New post
        </Link>
      ) : null}
    </header>
  );
}
