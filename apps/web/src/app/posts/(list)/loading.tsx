import { clsx } from "clsx";
import skeleton from "@/components/skeleton.module.css";
import ui from "@/components/ui.module.css";
import filters from "./posts-filters.module.css";
import { PostsHeader } from "./posts-header";
import list from "./posts-list.module.css";

export default function PostsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading posts">
      <PostsHeader />
      <div className={filters.filters} aria-hidden="true">
        <span
          className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
          style={{ width: "16rem", height: "2rem" }}
        />
        <span
          className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
          style={{ height: "4.5rem" }}
        />
      </div>
      <ul className={list.postRows} aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <li key={i} className={clsx(ui.card, list.postRow)}>
            <div className={list.postRowMain}>
              <span
                className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
                style={{ width: "55%", height: "1rem" }}
              />
              <span className={clsx(skeleton.skeleton, skeleton.skeletonLine, skeleton.short)} />
              <span
                className={clsx(skeleton.skeleton, skeleton.skeletonLine)}
                style={{ width: "30%" }}
              />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
