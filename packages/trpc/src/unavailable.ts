import { TRPCError } from "@trpc/server";

// postgres.js connection failures, and SQLSTATEs that mean "the database cannot serve now":
// class 08 (connection exception), admin shutdown, starting up, too many connections,
// statement timeout.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "57014",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error || (typeof e === "object" && e !== null); ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) {
      return true;
    }
    const next = (e as { cause?: unknown }).cause;
    if (next === e || next === undefined) return false;
    e = next;
  }
  return false;
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_S = 2;

/**
 * A 503 that tells the client what became of its write, so that "nothing was saved" is only
 * ever said of a write that did not land: `saved` when it committed and only what followed
 * (reading the answer back) failed, `unknown` when the database went away with the COMMIT
 * sent and unanswered. The error formatter puts `outcome` in the answer's data.
 */
export class WriteOutcomeError extends TRPCError {
  constructor(
    readonly outcome: "saved" | "unknown",
    cause?: unknown,
  ) {
    super({
      code: "SERVICE_UNAVAILABLE",
      message:
        outcome === "saved"
          ? "Saved, but the database went away before the answer could be read. Reload to see it; do not send it again."
          : "The database went away while saving: the change may or may not have been saved. Reload to check before sending it again.",
      cause,
    });
  }
}

export function unavailable(
  kind: "query" | "mutation",
  cause?: unknown,
  write: "none" | "unknown" | "saved" = "none",
): TRPCError {
  if (write !== "none") return new WriteOutcomeError(write, cause);
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message:
      kind === "mutation"
        ? "The database is unavailable; nothing was saved. Retry shortly."
        : "The database is unavailable. Retry shortly.",
    cause,
  });
}
