import { clsx } from "clsx";
import skeleton from "@/components/skeleton.module.css";
import ui from "@/components/ui.module.css";
import form from "./new-tag-form.module.css";
import admin from "./tags-admin.module.css";
import { TagsHeader } from "./tags-header";

const skeletonLine = clsx(skeleton.skeleton, skeleton.skeletonLine);

export default function TagsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading tags">
      <TagsHeader />
      <div className={clsx(ui.card, form.tagForm)} aria-hidden="true">
        <span className={skeletonLine} style={{ width: "6rem", height: "1.1rem" }} />
        <span className={skeletonLine} style={{ height: "4rem" }} />
      </div>
      <div className={clsx(ui.card, admin.tableCard, admin.tagTableSkeleton)} aria-hidden="true">
        {Array.from({ length: 8 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <span key={i} className={skeletonLine} style={{ height: "1.4rem" }} />
        ))}
      </div>
    </div>
  );
}
