export default function AuthorsLoading() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading authors">
      <header className="page-header">
        <h1>Authors</h1>
        <p className="muted">Everyone who writes in this workspace, with their latest posts.</p>
      </header>
      <ul className="author-grid" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static skeleton rows
          <li key={i} className="card author-card skeleton-card">
            <div className="author-head">
              <span className="avatar skeleton" />
              <div className="author-meta">
                <span className="skeleton skeleton-line" style={{ width: "60%" }} />
                <span className="skeleton skeleton-line short" />
              </div>
            </div>
            <span className="skeleton skeleton-line" />
            <span className="skeleton skeleton-line" />
            <span className="skeleton skeleton-line" style={{ width: "80%" }} />
          </li>
        ))}
      </ul>
    </div>
  );
}
