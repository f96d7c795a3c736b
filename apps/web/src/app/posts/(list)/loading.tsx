import { PostsHeader } from "./posts-header";

export default function PostsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading posts">
      <PostsHeader />
      <div className="filters" aria-hidden="true">
        <span className="skeleton skeleton-line" style={{ width: "16rem", height: "2rem" }} />
        <span className="skeleton skeleton-line" style={{ height: "4.5rem" }} />
      </div>
      <ul className="post-rows" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <li key={i} className="card post-row skeleton-card">
            <div className="post-row-main">
              <span className="skeleton skeleton-line" style={{ width: "55%", height: "1rem" }} />
              <span className="skeleton skeleton-line short" />
              <span className="skeleton skeleton-line" style={{ width: "30%" }} />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
