import { TagsHeader } from "./tags-header";

export default function TagsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading tags">
      <TagsHeader />
      <div className="card tag-form" aria-hidden="true">
        <span className="skeleton skeleton-line" style={{ width: "6rem", height: "1.1rem" }} />
        <span className="skeleton skeleton-line" style={{ height: "4rem" }} />
      </div>
      <div className="card table-card skeleton-card tag-table-skeleton" aria-hidden="true">
        {Array.from({ length: 8 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <span key={i} className="skeleton skeleton-line" style={{ height: "1.4rem" }} />
        ))}
      </div>
    </div>
  );
}
