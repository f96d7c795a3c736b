import { createDb } from "@brisk/db";
import { posts, users } from "@brisk/db/schema";
import { initTRPC } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { loadServerEnv } from "../env";
import { serve } from "./shape";

/**
 * The `naive` baseline: the same stack as Brisk (tRPC, Drizzle, postgres.js, one pool) written
 * the way N+1 code usually is: the users, then one posts query per user, awaited in a loop.
 */
const env = loadServerEnv();
const { db, close } = createDb({ url: env.DATABASE_URL, pool: { max: env.DB_POOL_MAX } });
const t = initTRPC.create();

const router = t.router({
  users: t.router({
    list: t.procedure
      .input(
        z.object({
          cursor: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(100).default(20),
          postsPerUser: z.number().int().min(0).max(20).default(3),
        }),
      )
      .query(async ({ input }) => {
        const rows = await db
          .select({ id: users.id, name: users.name, role: users.role, createdAt: users.createdAt })
          .from(users)
          .where(input.cursor === undefined ? undefined : gt(users.id, input.cursor))
          .orderBy(asc(users.id))
          .limit(input.limit + 1);
        const items = [];
        for (const user of rows.slice(0, input.limit)) {
          const latest = await db
            .select({
              id: posts.id,
              title: posts.title,
              body: posts.body,
              createdAt: posts.createdAt,
            })
            .from(posts)
            .where(and(eq(posts.authorId, user.id), eq(posts.status, "published")))
            .orderBy(desc(posts.createdAt), desc(posts.id))
            .limit(input.postsPerUser);
          items.push({ ...user, posts: latest });
        }
        const nextCursor = rows.length > input.limit ? (items.at(-1)?.id ?? null) : null;
        return { items, nextCursor };
      }),
  }),
});

const server = createHTTPServer({
  router,
  basePath: "/trpc/",
  middleware: (req, res, next) => {
    if (req.url === "/readyz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"ready"}');
      return;
    }
    next();
  },
});
serve(server, env.PORT, () => close(1));
