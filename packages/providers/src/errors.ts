/** The provider answered, with a status other than 200. */
export class ProviderStatusError extends Error {
  constructor(
    readonly status: number,
    /** From Retry-After, when the provider sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`provider answered HTTP ${status}`);
    this.name = "ProviderStatusError";
  }
}

/** The provider answered 200 with a body that is not the JSON its client expects. */
export class MalformedAnswerError extends Error {
  constructor(detail: string) {
    super(`provider answer malformed: ${detail}`);
    this.name = "MalformedAnswerError";
  }
}

/** undici's and Node's codes for a connection that failed or broke: worth another try. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/**
 * Errors another attempt may cure: the connection failed, the provider is overloaded (5xx) or
 * asked us to slow down (429). A 4xx other than 429, or a malformed answer, would fail again.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ProviderStatusError) return error.status === 429 || error.status >= 500;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}

/** Retry-After as milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()) {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
