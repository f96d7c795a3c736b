import { createTRPCRouter } from "./init";
import { tagsRouter } from "./routers/tags";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  users: usersRouter,
  tags: tagsRouter,
});

export type AppRouter = typeof appRouter;
