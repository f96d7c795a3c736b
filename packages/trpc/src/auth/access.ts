import type { RequestInfo } from "../request";
import { type AuthSettings, type Caller, credential } from "./identity";

/** A caller who is someone: a user through a session, or an internal service's API key. */
export type Actor = Exclude<Caller, { kind: "anonymous" }>;

export const isAdmin = (caller: Caller) => caller.kind !== "anonymous" && caller.role === "admin";

/** The user behind a caller; an API key is not one. */
export const userIdOf = (caller: Caller) => (caller.kind === "user" ? caller.id : undefined);

/** Rows a member owns (their posts, their name) are theirs and admins' to change. */
export const mayActFor = (caller: Caller, ownerId: number) =>
  isAdmin(caller) || userIdOf(caller) === ownerId;

function refererOrigin(referer: string | undefined) {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery: a browser attaches the session cookie to any site's request,
 * so a mutation that comes with it must come from the dashboard's own pages: its Origin, or
 * its Referer's origin when a browser sends no Origin, is one of DASHBOARD_ORIGINS. A bearer
 * token is never attached by a browser, so a request carrying one is not checked. Returns
 * the refusal's message, or undefined when the request may go on.
 */
export function crossSiteRefusal(request: RequestInfo, auth: AuthSettings): string | undefined {
  if (credential(request, auth.cookie.name)?.via !== "cookie") return undefined;
  const origin = request.header("origin") ?? refererOrigin(request.header("referer"));
  if (origin && auth.dashboardOrigins.includes(origin)) return undefined;
  return `Refused: a signed-in change must come from the Brisk dashboard's own pages (origin ${origin ?? "unknown"} is not one of them). Internal clients use an API key instead.`;
}
