import { randomBytes } from "node:crypto";
import { createUpstashBridge } from "./bridge";
import { startRedisServer } from "./redis-server";

export interface TestRedis {
  /** UPSTASH_REDIS_REST_URL for @upstash/redis. */
  restUrl: string;
  /** UPSTASH_REDIS_REST_TOKEN for @upstash/redis. */
  token: string;
  /** The redis-server behind the bridge, for checks that bypass it. */
  redisUrl: string;
  /** An outage (SIGKILL for a crash): the bridge stays up and answers errors until startRedis(). */
  stopRedis(signal?: NodeJS.Signals): Promise<void>;
  startRedis(): Promise<void>;
  /** One command through the bridge, as @upstash/redis sends it: its `result`; throws on an error. */
  command(args: (string | number)[]): Promise<unknown>;
  /** Stops the bridge and redis-server. */
  stop(): Promise<void>;
}

/**
 * A real redis-server behind the Upstash bridge, for tests of code that uses @upstash/redis.
 * Start one per test file (beforeAll) and stop it in afterAll.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const redisServer = await startRedisServer();
  const token = randomBytes(16).toString("hex");
  const bridge = createUpstashBridge({ redisUrl: redisServer.url, token });
  let port: number;
  try {
    port = await bridge.listen(0, "127.0.0.1");
  } catch (error) {
    await bridge.close();
    await redisServer.stop();
    throw error;
  }
  const restUrl = `http://127.0.0.1:${port}`;
  return {
    restUrl,
    token,
    redisUrl: redisServer.url,
    stopRedis: redisServer.stop,
    startRedis: redisServer.start,
    async command(args) {
      const res = await fetch(restUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(args),
      });
      const body = (await res.json()) as { result?: unknown; error?: string };
      if (!res.ok || body.error !== undefined) {
        throw new Error(`${args.join(" ")}: ${body.error ?? `HTTP ${res.status}`}`);
      }
      return body.result;
    },
    async stop() {
      await bridge.close();
      await redisServer.stop();
    },
  };
}
