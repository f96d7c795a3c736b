import http from "node:http";
import { createDb } from "@brisk/db";
import { listUsersQuery, usersByIdQuery } from "@brisk/db/queries/users";
import { fillPlaceholders } from "drizzle-orm";
import postgres from "postgres";
import { loadServerEnv } from "../env";
import { type Row, send, serve, shape } from "./shape";

/**
 * The `ceiling` baseline: node:http and postgres.js, no framework. It runs Brisk's own SQL
 * (taken from the same Drizzle query builders) and answers the same JSON, built by hand.
 */
const env = loadServerEnv();
const sql = postgres(env.DATABASE_URL, { max: env.DB_POOL_MAX, onnotice: () => {} });
// Only to render Brisk's SQL text; never connects.
const { db } = createDb({ url: env.DATABASE_URL, pool: { max: 1 } });

// Brisk's statements with their placeholders, filled per request exactly as Drizzle would.
function statement(query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql: text, params } = query.toSQL();
  return (values: Record<string, unknown>) =>
    sql.unsafe(text, fillPlaceholders(params, values) as postgres.ParameterOrJSON<never>[], {
      prepare: true,
    });
}

const listUsers = statement(listUsersQuery(db));
const usersById = statement(usersByIdQuery(db));

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/readyz") return send(res, 200, { status: "ready" });
  try {
    const input = JSON.parse(url.searchParams.get("input") ?? "{}");
    if (url.pathname === "/trpc/users.list") {
      const limit = Number(input.limit ?? 20);
      const rows = (await listUsers({
        cursor: Number(input.cursor ?? 0),
        limit: limit + 1,
        postsPerUser: Number(input.postsPerUser ?? 3),
      })) as unknown as Row[];
      const items = rows.slice(0, limit).map(shape);
      const nextCursor = rows.length > limit ? (items.at(-1)?.id ?? null) : null;
      return send(res, 200, { result: { data: { items, nextCursor } } });
    }
    if (url.pathname === "/trpc/users.byId") {
      const [row] = (await usersById({
        ids: [Number(input.id)],
        postsLimit: Number(input.postsLimit ?? 10),
      })) as unknown as Row[];
      if (!row) return send(res, 404, { error: { message: "not found" } });
      return send(res, 200, { result: { data: shape(row) } });
    }
    send(res, 404, { error: { message: "not found" } });
  } catch (error) {
    send(res, 500, { error: { message: (error as Error).message } });
  }
});
serve(server, env.PORT, () => sql.end({ timeout: 1 }));
