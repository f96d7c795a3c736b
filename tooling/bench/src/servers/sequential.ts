import http from "node:http";
import { DEFAULT_KEYS, PROVIDERS } from "@brisk/provider-simulator";
import { Pool } from "undici";
import { loadSequentialEnv } from "../env";
import { send, serve } from "./shape";

/**
 * The `sequential` baseline for W3: the same five provider calls as `reports.snapshot`, on
 * the same undici usage (a keep-alive Pool per provider, `request`, the body read as text
 * and parsed), but awaited one after another. No database, no cache, no policies: what a
 * report costs when it pays the sum of its providers' latencies instead of the slowest.
 */
const env = loadSequentialEnv();
const DAY_MS = 24 * 60 * 60 * 1000;
const RANGE_DAYS = 30;

const pools = Object.fromEntries(
  PROVIDERS.map((name) => [
    name,
    new Pool(env.PROVIDERS_URL, {
      connections: env.PROVIDERS_CONCURRENCY,
      keepAliveTimeout: 30_000,
    }),
  ]),
);

async function call(name: (typeof PROVIDERS)[number], authorId: number, from: string, to: string) {
  const res = await pools[name]!.request({
    method: "GET",
    path: `/${name}/v1/authors/${authorId}/stats?from=${from}&to=${to}`,
    headers: { "x-api-key": DEFAULT_KEYS[name], accept: "application/json" },
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${name} answered ${res.statusCode}`);
  return JSON.parse(text) as unknown;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/readyz") return send(res, 200, { status: "ready" });
  if (url.pathname !== "/trpc/reports.snapshot") {
    return send(res, 404, { error: { message: "not found" } });
  }
  const authorId = Number(JSON.parse(url.searchParams.get("input") ?? "{}").authorId);
  const to = isoDay(Date.now());
  const from = isoDay(Date.now() - (RANGE_DAYS - 1) * DAY_MS);
  try {
    const providers: Record<string, unknown> = {};
    for (const name of PROVIDERS) providers[name] = await call(name, authorId, from, to);
    send(res, 200, { result: { data: { authorId, from, to, providers } } });
  } catch (error) {
    send(res, 502, { error: { message: (error as Error).message } });
  }
});
serve(server, env.PORT, async () => {
  await Promise.all(Object.values(pools).map((pool) => pool.close()));
});
