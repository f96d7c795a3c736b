"use client";

import ui from "@/components/ui.module.css";
import { isAdmin } from "@/features/account/viewer";
import { useViewer } from "@/features/account/viewer-context";
import styles from "./tags-header.module.css";

/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function TagsHeader() {
  const admin = isAdmin(useViewer());
  return (
    <header className={ui.pageHeader}>
      <h1>Tags</h1>
      <p className={ui.muted}>
        The reference tags posts are filed under. The slug names a tag in links to filtered posts.
      </p>
      {admin ? null : (
        <p className={styles.notice} data-testid="tags-access">
          Only admins add, change and delete tags.
        </p>
      )}
    </header>
  );
}
