/** The headline row and the chart cards, in outline, while the first answer is on its way. */
export function MetricsLoading() {
  return (
    <div
      className="ops-loading"
      role="status"
      aria-busy="true"
      aria-label="Loading the api's metrics"
    >
      <div className="ops-stats" aria-hidden="true">
        {Array.from({ length: 5 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton tiles
          <div key={i} className="ops-stat skeleton-card">
            <span className="skeleton skeleton-line short" />
            <span className="skeleton skeleton-line" style={{ height: "1.5rem", width: "60%" }} />
          </div>
        ))}
      </div>
      <div className="ops-grid" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton cards
          <div key={i} className="card ops-card skeleton-card">
            <span className="skeleton skeleton-line" style={{ width: "40%", height: "1rem" }} />
            <span className="skeleton" style={{ height: 220 }} />
          </div>
        ))}
      </div>
    </div>
  );
}
