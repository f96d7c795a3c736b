import type { Executor } from "@brisk/db";
import { deleteSession, insertSession } from "@brisk/db/queries/auth";
import { scopes } from "../cache-scopes";
import type { Context } from "../context";
import type { Deadline } from "../deadline";
import { writeWithin } from "../write";
import { credential, SESSION_MS } from "./identity";
import { API_KEY_PREFIX, randomToken, tokenHash } from "./tokens";

type WriteContext = Context & { deadline: Deadline };

/**
 * A new session of `userId`, written in `tx`: its token, for `setSessionCookie` once
 * committed. A call commits once (its deadline allows one claim), so a procedure that writes
 * more, such as sign-up, writes the session in the same transaction as the rest.
 */
export async function insertNewSession(tx: Executor, userId: number) {
  const token = randomToken();
  await insertSession(tx, {
    id: tokenHash(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_MS),
  });
  return token;
}

/**
 * The session's token goes to the browser in the session cookie (HttpOnly, SameSite=Lax,
 * Path=/, and Secure with the `__Host-` name over HTTPS). No Max-Age: the server's sliding
 * expiry decides, and closing the browser forgets the cookie.
 */
export function setSessionCookie(ctx: Context, token: string) {
  ctx.request.setCookie(ctx.auth.cookie.name, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.auth.cookie.secure,
    path: "/",
  });
}

/** Signs `userId` in: a new session, and its token in the cookie. */
export async function startSession(ctx: WriteContext, userId: number) {
  setSessionCookie(ctx, await writeWithin(ctx, (tx) => insertNewSession(tx, userId)));
}

/**
 * Ends the session the request carries, if any, on every instance (its cached copy is
 * dropped from both tiers), and clears the cookie. An API key is not a session: it is revoked
 * on the API keys page instead.
 */
export async function endSession(ctx: WriteContext) {
  const found = credential(ctx.request, ctx.auth.cookie.name);
  if (found && !found.token.startsWith(API_KEY_PREFIX)) {
    const id = tokenHash(found.token);
    await writeWithin(ctx, async (tx, afterCommit) => {
      if (await deleteSession(tx, id))
        afterCommit(() => ctx.cache.invalidate([scopes.session(id)]));
    });
  }
  if (found?.via === "cookie") {
    ctx.request.setCookie(ctx.auth.cookie.name, "", {
      httpOnly: true,
      sameSite: "lax",
      secure: ctx.auth.cookie.secure,
      path: "/",
      maxAge: 0,
    });
  }
}
