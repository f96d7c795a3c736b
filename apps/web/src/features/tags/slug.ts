/** The longest slug tags.create accepts. */
const MAX_SLUG = 64;

/**
 * The slug a new tag's name suggests, in the form tags.create accepts: lowercase letters and
 * digits joined by single dashes ("Node.js" → "node-js", "Café" → "cafe").
 */
export function suggestSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, "");
}
