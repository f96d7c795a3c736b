import { clsx } from "clsx";
import skeleton from "@/components/skeleton.module.css";
import ui from "@/components/ui.module.css";
import styles from "./authors-list.module.css";

export default function AuthorsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading authors">
      <header className={ui.pageHeader}>
        <h1>Authors</h1>
        <p className={ui.muted}>Everyone who writes in this workspace, with their latest posts.</p>
      </header>
      <ul className={styles.authorGrid} aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <li key={i} className={clsx(ui.card, styles.authorCard, styles.skeletonCard)}>
            <div className={styles.authorHead}>
              <span
                className={clsx(skeleton.skeleton, skeleton.skeletonRound, styles.avatarSkeleton)}
              />
              <div className={styles.authorMeta}>
                <span
                  className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
                  style={{ width: "60%" }}
                />
                <span className={clsx(skeleton.skeleton, skeleton.skeletonLine, skeleton.short)} />
              </div>
            </div>
            <span className={clsx(skeleton.skeleton, skeleton.skeletonLine)} />
            <span className={clsx(skeleton.skeleton, skeleton.skeletonLine)} />
            <span
              className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
              style={{ width: "80%" }}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
