import http from "node:http";
import { createDb } from "@brisk/db";
import { getUsersById } from "@brisk/db/queries/users";
import { loadServerEnv } from "../env";
import { send, serve } from "./shape";

/**
 * The `ceiling-memory` baseline for cached reads: node:http answering W2 from a Map filled at
 * boot with every user's finished JSON. No framework, no validation, no cache bookkeeping:
 * the most a cached read could ever cost less than.
 */
const env = loadServerEnv();
const database = createDb({ url: env.DATABASE_URL, pool: { max: 4 } });
const POSTS_LIMIT = 10;

const answers = new Map<number, string>();
const [{ count }] = (await database.sql`select max(id)::int as count from users`) as unknown as [
  { count: number },
];
for (let first = 1; first <= count; first += 1_000) {
  const ids = Array.from({ length: Math.min(1_000, count - first + 1) }, (_, i) => first + i);
  for (const user of await getUsersById(database.db, { ids, postsLimit: POSTS_LIMIT })) {
    answers.set(user.id, JSON.stringify({ result: { data: user } }));
  }
}
await database.close();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/readyz") return send(res, 200, { status: "ready" });
  if (url.pathname === "/trpc/users.byId") {
    const input = JSON.parse(url.searchParams.get("input") ?? "{}");
    const json = answers.get(Number(input.id));
    if (json === undefined) return send(res, 404, { error: { message: "not found" } });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(json),
    });
    return res.end(json);
  }
  send(res, 404, { error: { message: "not found" } });
});
serve(server, env.PORT, async () => {});
