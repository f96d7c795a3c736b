import http from "node:http";
import postgres from "postgres";
import { loadServerEnv } from "../env";
import { send, serve } from "./shape";

/**
 * The `ceiling-pgjson` baseline: Postgres builds the whole answer (`json_build_object`,
 * `json_agg`) and node:http passes the text through, so no rows reach JavaScript at all.
 * How far Brisk is from it is what its row mapping and serialization cost. The JSON is the
 * same answer as Brisk's but not the same bytes (Postgres writes `"a" : 1`), so the bench
 * compares it parsed.
 */
const env = loadServerEnv();
const sql = postgres(env.DATABASE_URL, { max: env.DB_POOL_MAX, onnotice: () => {} });

const iso = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// A user's latest published posts, newest first, as a JSON array.
const latestPosts = (limit: string) => `coalesce((
  select json_agg(json_build_object('id', p.id, 'title', p.title, 'body', p.body,
    'createdAt', ${iso("p.created_at")}) order by p.created_at desc, p.id desc)
  from (select id, title, body, created_at from posts
        where author_id = u.id and status = 'published'
        order by created_at desc, id desc limit ${limit}) p), '[]'::json)`;

const USER_BY_ID = `
  select json_build_object('result', json_build_object('data', json_build_object(
    'id', u.id, 'name', u.name, 'role', u.role, 'createdAt', ${iso("u.created_at")},
    'posts', ${latestPosts("$2")})))::text as json
  from users u where u.id = $1`;

const USERS_LIST = `
  with page as (select * from users where id > $1 order by id limit $2 + 1),
  shown as (select * from page order by id limit $2)
  select json_build_object('result', json_build_object('data', json_build_object(
    'items', coalesce((select json_agg(json_build_object(
      'id', u.id, 'name', u.name, 'role', u.role, 'createdAt', ${iso("u.created_at")},
      'posts', ${latestPosts("$3")}) order by u.id) from shown u), '[]'::json),
    'nextCursor', case when (select count(*) from page) > $2
      then (select max(id) from shown) end)))::text as json`;

function passThrough(res: http.ServerResponse, json: string) {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
  });
  res.end(json);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/readyz") return send(res, 200, { status: "ready" });
  try {
    const input = JSON.parse(url.searchParams.get("input") ?? "{}");
    if (url.pathname === "/trpc/users.list") {
      const [row] = await sql.unsafe<{ json: string }[]>(
        USERS_LIST,
        [Number(input.cursor ?? 0), Number(input.limit ?? 20), Number(input.postsPerUser ?? 3)],
        { prepare: true },
      );
      return passThrough(res, row!.json);
    }
    if (url.pathname === "/trpc/users.byId") {
      const [row] = await sql.unsafe<{ json: string }[]>(
        USER_BY_ID,
        [Number(input.id), Number(input.postsLimit ?? 10)],
        { prepare: true },
      );
      if (!row) return send(res, 404, { error: { message: "not found" } });
      return passThrough(res, row.json);
    }
    send(res, 404, { error: { message: "not found" } });
  } catch (error) {
    send(res, 500, { error: { message: (error as Error).message } });
  }
});
serve(server, env.PORT, () => sql.end({ timeout: 1 }));
