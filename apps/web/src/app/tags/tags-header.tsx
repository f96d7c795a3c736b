/** Shared with loading.tsx so the heading does not jump when the list arrives. */
export function TagsHeader() {
  return (
    <header className="page-header">
      <h1>Tags</h1>
      <p className="muted">
        The reference tags posts are filed under. The slug names a tag in links to filtered posts.
      </p>
      <p className="notice" data-testid="tags-access">
        Admin-only access arrives with sign-in. Until then anyone who opens this page can add,
        change and delete tags.
      </p>
    </header>
  );
}
