import { listUsersWithPosts } from "@brisk/db/queries/users";
import type { TRPCRouterRecord } from "@trpc/server";
import { listUsersInput, userByIdInput } from "../../schemas/users";
import { publicProcedure, TRPCError } from "../init";

export const usersRouter = {
  list: publicProcedure
    .input(listUsersInput)
    .query(({ ctx, input }) => listUsersWithPosts(ctx.db, input)),

  byId: publicProcedure.input(userByIdInput).query(async ({ ctx, input }) => {
    const user = await ctx.loaders.userWithPosts.load(input);
    if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user with id ${input.id}` });
    return user;
  }),
} satisfies TRPCRouterRecord;
