import { createCallerFactory, createTRPCRouter } from "./init";
import { apiKeysRouter } from "./routers/api-keys";
import { authRouter } from "./routers/auth";
import { jobsRouter } from "./routers/jobs";
import { mailboxRouter } from "./routers/mailbox";
import { opsRouter } from "./routers/ops";
import { postsRouter } from "./routers/posts";
import { reportsRouter } from "./routers/reports";
import { tagsRouter } from "./routers/tags";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  users: usersRouter,
  posts: postsRouter,
  ops: opsRouter,
  mailbox: mailboxRouter,
  jobs: jobsRouter,
  tags: tagsRouter,
  reports: reportsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in process (server components, the warm-up), one caller per request. */
export const createCaller = createCallerFactory(appRouter);
