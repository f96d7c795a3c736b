/** Where a signed-in user goes when nothing asked for a page. */
export const HOME_PATH = "/authors";

// Any origin would do: a relative path resolved against it keeps it only if it stays on-site.
const BASE = "http://brisk.invalid";

/** A backslash, or a control character (browsers drop tabs and newlines: "/\t/host"). */
function unsafe(char: string): boolean {
  const code = char.charCodeAt(0);
  return char === "\\" || code < 0x20 || code === 0x7f;
}

/**
 * The `next` of /sign-in?next=…, as a path on this site, or HOME_PATH for anything else. Only
 * a relative path is followed: `//host` and `/\host` (which browsers read as another host), an
 * absolute URL, or a control character would turn sign-in into an open redirect.
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 2000) return HOME_PATH;
  if (!raw.startsWith("/") || raw.startsWith("//") || [...raw].some(unsafe)) return HOME_PATH;
  const url = new URL(raw, BASE);
  if (url.origin !== BASE) return HOME_PATH;
  // Back to the account pages would only show them again.
  if (url.pathname === "/sign-in" || url.pathname === "/sign-up") return HOME_PATH;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, returning to `next` afterwards. */
export function signInHref(next: string, page: "/sign-in" | "/sign-up" = "/sign-in"): string {
  return next === HOME_PATH ? page : `${page}?next=${encodeURIComponent(next)}`;
}
