import { listUsersWithPosts, updateUserName } from "@brisk/db/queries/users";
import type { TRPCRouterRecord } from "@trpc/server";
import { cacheEntries, scopes } from "../../cache/entries";
import { listUsersInput, updateUserInput, userByIdInput } from "../../schemas/users";
import { publicProcedure, TRPCError } from "../init";
import { writeWithin } from "../write";

function notFound(id: number): never {
  throw new TRPCError({ code: "NOT_FOUND", message: `No user with id ${id}` });
}

export const usersRouter = {
  list: publicProcedure.input(listUsersInput).query(async ({ ctx, input }) => {
    // Only the first page is hot (every visit to Authors starts there); deeper pages go by.
    if (input.cursor !== undefined) return listUsersWithPosts(ctx.db, input);
    return (await ctx.cache.getOrLoad(cacheEntries.usersFirstPage(input), () =>
      listUsersWithPosts(ctx.db, input),
    ))!;
  }),

  byId: publicProcedure.input(userByIdInput).query(async ({ ctx, input }) => {
    const user = await ctx.cache.getOrLoad(cacheEntries.userById(input), () =>
      ctx.loaders.userWithPosts.load(input),
    );
    return user ?? notFound(input.id);
  }),

  update: publicProcedure.input(updateUserInput).mutation(async ({ ctx, input }) => {
    const user = await writeWithin(ctx, (tx) => updateUserName(tx, input.id, input.name));
    if (!user) notFound(input.id);
    await ctx.cache.invalidate([scopes.user(input.id), scopes.usersList]);
    return user;
  }),
} satisfies TRPCRouterRecord;
