import type { CacheEntry } from "@brisk/cache";
import { getUserIdentity, insertUser, updateUserRole } from "@brisk/db/queries/auth";
import { insertInvitation } from "@brisk/db/queries/invitations";
import { listUsersWithPosts, updateUserName } from "@brisk/db/queries/users";
import { recordEvent } from "@brisk/jobs";
import type { TRPCRouterRecord } from "@trpc/server";
import type { z } from "zod";
import { mayActFor, userIdOf } from "../auth/access";
import { authCache } from "../auth/identity";
import { scopes } from "../cache-scopes";
import { UNIQUE_VIOLATION, violatedConstraint } from "../constraint";
import { adminProcedure, publicProcedure, signedInProcedure, TRPCError } from "../init";
import {
  inviteUserInput,
  listUsersInput,
  listUsersOutput,
  setUserRoleInput,
  updateUserInput,
  userByIdInput,
  userByIdOutput,
} from "../schemas/users";
import { writeWithin } from "../write";

/** What the users procedures keep in the cache, each entry named after its procedure. */
const usersCache = {
  byId: (input: {
    id: number;
    postsLimit: number;
  }): CacheEntry<z.infer<typeof userByIdOutput>> => ({
    key: `users.byId:${input.id}:${input.postsLimit}`,
    scopes: [scopes.user(input.id)],
    ttl: "user",
    schema: userByIdOutput,
  }),
  /** Only the first page is hot (every visit to Authors starts there); deeper pages go by. */
  listFirstPage: (input: {
    limit: number;
    postsPerUser: number;
  }): CacheEntry<z.infer<typeof listUsersOutput>> => ({
    key: `users.list:first:${input.limit}:${input.postsPerUser}`,
    scopes: [scopes.usersList],
    ttl: "user",
    schema: listUsersOutput,
  }),
};

type UserWithEmail = z.infer<typeof userByIdOutput> & { email?: string };

/** How long an invitation's link works. */
const INVITATION_MS = 24 * 60 * 60 * 1000;

/** The dashboard's form shows a CONFLICT beside the email field, as sign-up's. */
function refuseTakenEmail(error: unknown): never {
  if (violatedConstraint(error, UNIQUE_VIOLATION) === "users_email_lower_idx") {
    throw new TRPCError({
      code: "CONFLICT",
      message: "An account with that email exists already.",
      cause: error,
    });
  }
  throw error;
}

function notFound(id: number): never {
  throw new TRPCError({ code: "NOT_FOUND", message: `No user with id ${id}` });
}

export const usersRouter = {
  list: publicProcedure.input(listUsersInput).query(({ ctx, input }) => {
    if (input.cursor !== undefined) return listUsersWithPosts(ctx.db, input);
    return ctx.cache.getOrLoad(usersCache.listFirstPage(input), () =>
      listUsersWithPosts(ctx.db, input),
    );
  }),

  /** Public, but a user's email only for that user and admins. */
  byId: publicProcedure
    .input(userByIdInput)
    .query(async ({ ctx, input }): Promise<UserWithEmail> => {
      const [user, caller] = await Promise.all([
        ctx.cache.getOrLoad(usersCache.byId(input), () => ctx.loaders.userById.load(input)),
        ctx.caller(),
      ]);
      if (!user) notFound(input.id);
      // Everyone else gets the cached answer itself (and its kept JSON); these two, a copy.
      if (!mayActFor(caller, input.id)) return user;
      const identity = await ctx.cache.getOrLoad(authCache.user(input.id), () =>
        getUserIdentity(ctx.db, input.id),
      );
      return identity ? { ...user, email: identity.email } : user;
    }),

  /** A member renames themselves; an admin anyone. */
  update: signedInProcedure.input(updateUserInput).mutation(async ({ ctx, input }) => {
    if (!mayActFor(ctx.actor, input.id)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "You can only rename yourself." });
    }
    const user = await writeWithin(ctx, async (tx, afterCommit) => {
      const renamed = await updateUserName(tx, input.id, input.name);
      if (renamed)
        afterCommit(() => ctx.cache.invalidate([scopes.user(input.id), scopes.usersList]));
      return renamed;
    });
    return user ?? notFound(input.id);
  }),

  /**
   * A member with no password, and their invitation: the `send-invitation-email` job makes the
   * link's token and mails it. Answers once both are committed, before the email is sent.
   */
  invite: adminProcedure.input(inviteUserInput).mutation(async ({ ctx, input }) => {
    return writeWithin(ctx, async (tx, afterCommit) => {
      const invitedById = userIdOf(ctx.actor);
      const user = await insertUser(tx, { ...input, passwordHash: null });
      const invitation = await insertInvitation(tx, {
        userId: user.id,
        expiresAt: new Date(Date.now() + INVITATION_MS),
        createdById: invitedById ?? null,
      });
      await recordEvent(tx, {
        name: "user/invited",
        data: {
          userId: user.id,
          invitationId: invitation.id,
          invitedBy: `${ctx.actor.kind}:${ctx.actor.id}`,
        },
      });
      afterCommit(() => {
        ctx.outbox?.wake();
        return ctx.cache.invalidate([scopes.usersList]);
      });
      return { ...user, invitation };
    }).catch(refuseTakenEmail);
  }),

  setRole: adminProcedure.input(setUserRoleInput).mutation(async ({ ctx, input }) => {
    // An admin who demotes themselves could leave nobody able to undo it.
    if (input.role !== "admin" && userIdOf(ctx.actor) === input.id) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "You cannot remove your own admin role: ask another admin.",
      });
    }
    const user = await writeWithin(ctx, async (tx, afterCommit) => {
      const changed = await updateUserRole(tx, input.id, input.role);
      if (changed)
        afterCommit(() => ctx.cache.invalidate([scopes.user(input.id), scopes.usersList]));
      return changed;
    });
    return user ?? notFound(input.id);
  }),
} satisfies TRPCRouterRecord;
