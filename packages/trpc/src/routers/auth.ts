import {
  deleteSessionsOfUser,
  findUserForSignIn,
  insertUser,
  updatePasswordHash,
} from "@brisk/db/queries/auth";
import { lockInvitationByTokenHash, markInvitationUsed } from "@brisk/db/queries/invitations";
import { recordEvent } from "@brisk/jobs";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import type { Caller } from "../auth/identity";
import { RATE_RULES } from "../auth/rate-limit";
import { hashing, refuseWhenBusy, takeOrRefuse, tooMany } from "../auth/refusals";
import { endSession, insertNewSession, setSessionCookie, startSession } from "../auth/sessions";
import { tokenHash } from "../auth/tokens";
import { scopes } from "../cache-scopes";
import { UNIQUE_VIOLATION, violatedConstraint } from "../constraint";
import type { Context } from "../context";
import { publicProcedure, signedInProcedure, TRPCError } from "../init";
import {
  acceptInvitationInput,
  changePasswordInput,
  FROM_ACCOUNT,
  notFromAccount,
  signInInput,
  signUpInput,
} from "../schemas/auth";
import { writeWithin } from "../write";

/** What the dashboard's user menu shows of the caller; null when signed out. */
function describe(caller: Caller) {
  if (caller.kind === "anonymous") return null;
  if (caller.kind === "apiKey") {
    return { kind: "apiKey" as const, id: caller.id, name: caller.name, role: caller.role };
  }
  const { id, name, email, role } = caller;
  return { kind: "user" as const, id, name, email, role };
}

const clientKey = (ctx: Context) => ctx.request.ip ?? "unknown";

/** Same words whether the email is unknown or the password wrong: neither is revealed. */
const WRONG = "Wrong email or password.";

function refuseTakenEmail(error: unknown): never {
  if (violatedConstraint(error, UNIQUE_VIOLATION) === "users_email_lower_idx") {
    throw new TRPCError({
      code: "CONFLICT",
      message: "An account with that email exists: sign in instead.",
      cause: error,
    });
  }
  throw error;
}

export const authRouter = {
  me: publicProcedure.query(async ({ ctx }) => describe(await ctx.caller())),

  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    refuseWhenBusy(ctx);
    await takeOrRefuse(ctx, RATE_RULES.signUp, clientKey(ctx), "Too many new accounts from here");
    const passwordHash = await hashing(ctx, (signal) =>
      ctx.auth.hasher.hash(input.password, signal),
    );
    const { user, token } = await writeWithin(ctx, async (tx, afterCommit) => {
      const user = await insertUser(tx, { name: input.name, email: input.email, passwordHash });
      // The welcome email: recorded with the account, so neither exists without the other.
      await recordEvent(tx, { name: "user/signed-up", data: { userId: user.id } });
      afterCommit(() => ctx.outbox?.wake());
      return { user, token: await insertNewSession(tx, user.id) };
    }).catch(refuseTakenEmail);
    setSessionCookie(ctx, token);
    return { kind: "user" as const, ...user };
  }),

  /**
   * Every attempt costs one hash, known email or not, so timing does not tell them apart.
   * Limits: attempts per client address, and failures per account (counted whether or not the
   * account exists, so the refusal does not reveal that either).
   */
  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    const observer = ctx.auth.observer;
    const account = input.email;
    refuseWhenBusy(ctx, () => observer?.signIn("busy"));
    try {
      await takeOrRefuse(ctx, RATE_RULES.signIn, clientKey(ctx), "Too many sign-ins from here");
      const failures = await ctx.auth.limiter.peek(RATE_RULES.signInFailures, account);
      if (!failures.allowed) {
        throw tooMany(
          ctx,
          RATE_RULES.signInFailures,
          failures.retryAfterS,
          "Too many failed sign-ins for this account",
        );
      }
    } catch (error) {
      observer?.signIn("limited");
      throw error;
    }

    const found = await findUserForSignIn(ctx.db, account);
    const verdict = await hashing(
      ctx,
      (signal) => ctx.auth.hasher.verify(input.password, found?.passwordHash ?? null, signal),
      () => observer?.signIn("busy"),
    );
    if (!found || !verdict.ok) {
      observer?.signIn("failed");
      await ctx.auth.limiter.take(RATE_RULES.signInFailures, account);
      throw new TRPCError({ code: "UNAUTHORIZED", message: WRONG });
    }
    if (verdict.rehash) rehash(ctx, found.id, input.password);
    await startSession(ctx, found.id);
    observer?.signIn("ok");
    const { passwordHash: _, ...user } = found;
    return { kind: "user" as const, ...user };
  }),

  /**
   * An invited member sets their password from the emailed link and is signed in. The link
   * works once: the invitation is locked, checked, marked used, the password set and the
   * session started in one transaction. Unknown, used and expired links are told apart, so the
   * page can say what to do.
   */
  acceptInvitation: publicProcedure
    .input(acceptInvitationInput)
    .mutation(async ({ ctx, input }) => {
      refuseWhenBusy(ctx);
      await takeOrRefuse(
        ctx,
        RATE_RULES.acceptInvitation,
        clientKey(ctx),
        "Too many invitation attempts from here",
      );
      const hash = tokenHash(input.token);
      const passwordHash = await hashing(ctx, (signal) =>
        ctx.auth.hasher.hash(input.password, signal),
      );
      const { user, token } = await writeWithin(ctx, async (tx) => {
        const invitation = await lockInvitationByTokenHash(tx, hash);
        if (!invitation) throw invitationRefused("unknown");
        if (invitation.usedAt) throw invitationRefused("used");
        if (invitation.expiresAt <= new Date()) throw invitationRefused("expired");
        const { name, email } = invitation;
        if (!notFromAccount({ password: input.password, email, name })) {
          throw fieldError("password", FROM_ACCOUNT);
        }
        await updatePasswordHash(tx, invitation.userId, passwordHash);
        await markInvitationUsed(tx, invitation.id);
        const user = { id: invitation.userId, name, email, role: invitation.role };
        return { user, token: await insertNewSession(tx, invitation.userId) };
      });
      setSessionCookie(ctx, token);
      return { kind: "user" as const, ...user };
    }),

  /** Ends this session (and clears its cookie); signed out already is fine too. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await endSession(ctx);
    return { signedOut: true };
  }),

  /** Ends every other session of the user: whoever knew the old password is signed out. */
  changePassword: signedInProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const actor = ctx.actor;
    if (actor.kind !== "user") {
      throw new TRPCError({ code: "FORBIDDEN", message: "An API key has no password." });
    }
    if (!notFromAccount({ password: input.newPassword, email: actor.email, name: actor.name })) {
      throw fieldError("newPassword", FROM_ACCOUNT);
    }
    const failures = await ctx.auth.limiter.peek(RATE_RULES.signInFailures, actor.email);
    if (!failures.allowed) {
      throw tooMany(
        ctx,
        RATE_RULES.signInFailures,
        failures.retryAfterS,
        "Too many wrong passwords for this account",
      );
    }
    const found = await findUserForSignIn(ctx.db, actor.email);
    const verdict = await hashing(ctx, (signal) =>
      ctx.auth.hasher.verify(input.currentPassword, found?.passwordHash ?? null, signal),
    );
    if (!verdict.ok) {
      await ctx.auth.limiter.take(RATE_RULES.signInFailures, actor.email);
      throw fieldError("currentPassword", "That is not your current password");
    }
    const passwordHash = await hashing(ctx, (signal) =>
      ctx.auth.hasher.hash(input.newPassword, signal),
    );
    const ended = await writeWithin(ctx, async (tx, afterCommit) => {
      await updatePasswordHash(tx, actor.id, passwordHash);
      const ids = await deleteSessionsOfUser(tx, actor.id, actor.session.id);
      afterCommit(() => ctx.cache.invalidate(ids.map(scopes.session)));
      return ids.length;
    });
    return { endedSessions: ended };
  }),
} satisfies TRPCRouterRecord;

/**
 * A field error, shown by the form beside its field like zod's own. ZodRealError, the Error
 * subclass that parse() throws: tRPC would wrap a plain ZodError and lose its fields.
 */
function fieldError(field: string, message: string) {
  return new TRPCError({
    code: "BAD_REQUEST",
    cause: new z.ZodRealError([{ code: "custom", path: [field], message, input: undefined }]),
  });
}

const INVITATION_REFUSALS = {
  unknown: "This invitation link is not valid: ask an admin for a new invitation.",
  used: "This invitation has been used already: sign in with your password.",
  expired: "This invitation has expired (links work for 24 hours): ask an admin for a new one.",
};

/** A link that cannot be used: a 400 the invitation page shows as it is. */
function invitationRefused(why: keyof typeof INVITATION_REFUSALS) {
  return new TRPCError({ code: "BAD_REQUEST", message: INVITATION_REFUSALS[why] });
}

/**
 * The password was right but hashed with older parameters: hashed again with today's, after
 * the answer. Failing only means trying again at the next sign-in.
 */
function rehash(ctx: Context, userId: number, password: string) {
  ctx.afterResponse("password.rehash", async () => {
    const passwordHash = await ctx.auth.hasher.hash(password);
    await ctx.db.transaction((tx) => updatePasswordHash(tx, userId, passwordHash));
  });
}
