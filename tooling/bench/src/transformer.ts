import { performance } from "node:perf_hooks";
import { createDb } from "@brisk/db";
import { listUsersWithPosts } from "@brisk/db/queries/users";
import superjson from "superjson";

export interface TransformerFigures {
  name: "json" | "superjson";
  bytes: number;
  serializeMs: number;
  parseMs: number;
}

function timeMs(iterations: number, work: () => unknown): number {
  for (let i = 0; i < 20; i++) work();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  return (performance.now() - started) / iterations;
}

/**
 * The W1 payload (100 users with 10 posts each) through each wire format, as the server
 * writes it and the client reads it. Plain JSON sends dates as ISO strings.
 */
export async function measureTransformers(databaseUrl: string): Promise<TransformerFigures[]> {
  const handle = createDb({ url: databaseUrl, pool: { max: 1 } });
  const payload = await listUsersWithPosts(handle.db, { limit: 100, postsPerUser: 10 });
  await handle.close();
  const iterations = 300;
  const json = JSON.stringify(payload);
  const sj = superjson.stringify(payload);
  return [
    {
      name: "json",
      bytes: Buffer.byteLength(json),
      serializeMs: timeMs(iterations, () => JSON.stringify(payload)),
      parseMs: timeMs(iterations, () => JSON.parse(json)),
    },
    {
      name: "superjson",
      bytes: Buffer.byteLength(sj),
      serializeMs: timeMs(iterations, () => superjson.stringify(payload)),
      parseMs: timeMs(iterations, () => superjson.parse(sj)),
    },
  ];
}
