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

export function unavailable(kind: "query" | "mutation", cause?: unknown): TRPCError {
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message:
      kind === "mutation"
        ? "The database is unavailable; nothing was saved. Retry shortly."
        : "The database is unavailable. Retry shortly.",
    cause,
  });
}
