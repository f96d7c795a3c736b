import type { Cache, CacheEntry } from "@brisk/cache";
import type { Database } from "@brisk/db";
import {
  extendSession,
  getApiKeyByHash,
  getSession,
  getUserIdentity,
  touchApiKey,
} from "@brisk/db/queries/auth";
import { z } from "zod";
import type { AfterResponseWork } from "../after-response";
import { scopes } from "../cache-scopes";
import type { RequestInfo } from "../request";
import type { PasswordHasher } from "./passwords";
import type { RateLimiter } from "./rate-limit";
import { API_KEY_PREFIX, tokenHash } from "./tokens";

export type Role = "member" | "admin";

/** Who is calling: nobody, a signed-in user (through a session), or an internal service's key. */
export type Caller =
  | { kind: "anonymous" }
  | {
      kind: "user";
      id: number;
      name: string;
      email: string;
      role: Role;
      /** The session (the hash of its token) and how its token came: cookie or bearer header. */
      session: { id: string; via: "cookie" | "bearer" };
    }
  | { kind: "apiKey"; id: number; name: string; role: Role };

/** How a sign-in ended: signed in, wrong email or password, refused by a limit, hasher full. */
export const SIGN_IN_OUTCOMES = ["ok", "failed", "limited", "busy"] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/** What metrics hear of accounts (absent where nothing is scraped). */
export interface AuthObserver {
  signIn(outcome: SignInOutcome): void;
  /** A request refused by a rate limit, by the rule's name. */
  limited(rule: string): void;
}

export interface AuthSettings {
  hasher: PasswordHasher;
  limiter: RateLimiter;
  /** `__Host-brisk_session`, Secure, when the dashboard is served over HTTPS. */
  cookie: { name: string; secure: boolean };
  /** Where the dashboard is served: a mutation carrying its cookie must come from one of them. */
  dashboardOrigins: readonly string[];
  observer?: AuthObserver | undefined;
}

/**
 * The session cookie: \`__Host-\` prefixed and Secure when the dashboard is served over HTTPS
 * only (the prefix makes browsers refuse it from anything but a secure, host-only, Path=/
 * Set-Cookie); plain on http://localhost in development, where Secure cookies would not stick.
 */
export function sessionCookie(dashboardOrigins: readonly string[]) {
  const secure = dashboardOrigins.every((origin) => origin.startsWith("https://"));
  return { name: secure ? "__Host-brisk_session" : "brisk_session", secure };
}

/** A session lives this long after its last use. */
export const SESSION_MS = 15 * 60 * 1000;
/** A session's expiry (or a key's last use) is written at most this often. */
const WRITE_EVERY_MS = 60 * 1000;

const role = z.enum(["member", "admin"]);
// Built once: an entry is made on every signed-in request, and making a zod object schema
// costs more than the rest of the session lookup (pnpm bench, brisk-cached-auth).
const sessionSchema = z.object({ userId: z.number().int(), expiresAt: z.coerce.date() });
const userSchema = z.object({ id: z.number().int(), name: z.string(), email: z.string(), role });
const apiKeySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  role,
  lastUsedAt: z.coerce.date().nullable(),
});
export const authCache = {
  session: (id: string): CacheEntry<{ userId: number; expiresAt: Date }> => ({
    key: `auth.session:${id}`,
    scopes: [scopes.session(id)],
    ttl: "session",
    schema: sessionSchema,
  }),
  /** Invalidated with the user (`user:<id>`): a rename or a new role shows at once. */
  user: (id: number): CacheEntry<{ id: number; name: string; email: string; role: Role }> => ({
    key: `auth.user:${id}`,
    scopes: [scopes.user(id)],
    ttl: "session",
    schema: userSchema,
  }),
  apiKey: (
    hash: string,
  ): CacheEntry<{ id: number; name: string; role: Role; lastUsedAt: Date | null }> => ({
    key: `auth.apiKey:${hash}`,
    scopes: [scopes.apiKey(hash)],
    ttl: "session",
    schema: apiKeySchema,
  }),
};

/** The token a request carries: a bearer header first, else the session cookie. */
export function credential(request: RequestInfo, cookieName: string) {
  const authorization = request.header("authorization");
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer) return { token: bearer, via: "bearer" as const };
  const cookie = request.cookie(cookieName);
  return cookie ? { token: cookie, via: "cookie" as const } : undefined;
}

interface Deps {
  db: Database;
  cache: Cache;
  request: RequestInfo;
  /** Bookkeeping that must not hold up the answer; losing one means doing it next minute. */
  afterResponse: (name: string, work: AfterResponseWork) => void;
  now?: () => number;
}

/**
 * The caller of a request, from its bearer token or session cookie. A token that matches
 * nothing live (unknown, expired, revoked) makes the caller anonymous: public procedures
 * answer, the rest say 401. Lookups go through the cache (session class, 15 minutes), so a
 * request with a session costs two tier-1 hits; sign-out, a password change and revocation
 * invalidate them on every instance.
 */
export async function resolveCaller(deps: Deps, auth: AuthSettings): Promise<Caller> {
  const found = credential(deps.request, auth.cookie.name);
  if (!found) return { kind: "anonymous" };
  const now = deps.now?.() ?? Date.now();
  const hash = tokenHash(found.token);

  if (found.token.startsWith(API_KEY_PREFIX)) {
    const key = await deps.cache.getOrLoad(authCache.apiKey(hash), () =>
      getApiKeyByHash(deps.db, hash),
    );
    if (!key) return { kind: "anonymous" };
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > WRITE_EVERY_MS) {
      deps.afterResponse("apiKey.touch", async () => {
        await touchApiKey(deps.db, key.id, new Date(now));
        await deps.cache.invalidate([scopes.apiKey(hash)]);
      });
    }
    return { kind: "apiKey", id: key.id, name: key.name, role: key.role };
  }

  const session = await deps.cache.getOrLoad(authCache.session(hash), () =>
    getSession(deps.db, hash),
  );
  if (!session || session.expiresAt.getTime() <= now) return { kind: "anonymous" };
  const user = await deps.cache.getOrLoad(authCache.user(session.userId), () =>
    getUserIdentity(deps.db, session.userId),
  );
  if (!user) return { kind: "anonymous" };
  // Sliding expiry: each use pushes it back 15 minutes, written at most once a minute.
  if (session.expiresAt.getTime() - now < SESSION_MS - WRITE_EVERY_MS) {
    deps.afterResponse("session.extend", async () => {
      await extendSession(deps.db, hash, new Date(now + SESSION_MS));
      await deps.cache.invalidate([scopes.session(hash)]);
    });
  }
  return { kind: "user", ...user, session: { id: hash, via: found.via } };
}
