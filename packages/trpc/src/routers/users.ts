import type { CacheEntry } from "@brisk/cache";
import { getUserIdentity, updateUserRole } from "@brisk/db/queries/auth";
import { listUsersWithPosts, updateUserName } from "@brisk/db/queries/users";
import type { TRPCRouterRecord } from "@trpc/server";
import type { z } from "zod";
import { mayActFor, userIdOf } from "../auth/access";
import { authCache } from "../auth/identity";
import { scopes } from "../cache-scopes";
import { adminProcedure, publicProcedure, signedInProcedure, TRPCError } from "../init";
import {
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
