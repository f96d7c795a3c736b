/** Posts have a cover image in PRODUCT.md, but media upload is its own, later issue. */
export function CoverSection() {
  return (
    <fieldset className="field cover-section" disabled>
      <legend className="field-label">Cover image</legend>
      <p className="muted small">
        Cover upload arrives with the media issue. Until then posts are saved without a cover.
      </p>
    </fieldset>
  );
}
