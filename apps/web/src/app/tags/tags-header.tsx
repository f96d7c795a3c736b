import ui from "@/components/ui.module.css";
import styles from "./tags-header.module.css";

/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function TagsHeader() {
  return (
    <header className={ui.pageHeader}>
      <h1>Tags</h1>
      <p className={ui.muted}>
        The reference tags posts are filed under. The slug names a tag in links to filtered posts.
      </p>
      <p className={styles.notice} data-testid="tags-access">
        Admin-only access arrives with sign-in. Until then anyone who opens this page can add,
        change and delete tags.
      </p>
    </header>
  );
}
