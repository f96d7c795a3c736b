import type { CacheEntry } from "@brisk/cache";
import { listUsersWithPosts, updateUserName } from "@brisk/db/queries/users";
import type { TRPCRouterRecord } from "@trpc/server";
import type { z } from "zod";
import { scopes } from "../cache-scopes";
import { publicProcedure, TRPCError } from "../init";
import {
  listUsersInput,
  listUsersOutput,
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

  byId: publicProcedure.input(userByIdInput).query(async ({ ctx, input }) => {
    const user = await ctx.cache.getOrLoad(usersCache.byId(input), () =>
      ctx.loaders.userById.load(input),
    );
    return user ?? notFound(input.id);
  }),

  update: publicProcedure.input(updateUserInput).mutation(async ({ ctx, input }) => {
    const user = await writeWithin(ctx, async (tx, afterCommit) => {
      const renamed = await updateUserName(tx, input.id, input.name);
      if (renamed)
        afterCommit(() => ctx.cache.invalidate([scopes.user(input.id), scopes.usersList]));
      return renamed;
    });
    return user ?? notFound(input.id);
  }),
} satisfies TRPCRouterRecord;
