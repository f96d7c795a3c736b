import { parseArgs } from "node:util";
import { createUpstashBridge } from "./bridge";
import { loadBridgeEnv } from "./env";
import { startRedisServer } from "./redis-server";

/**
 * `pnpm bridge [--with-redis]`: the Upstash REST API on this machine, for code that uses
 * @upstash/redis. It forwards to REDIS_URL, or with --with-redis to a redis-server of its own
 * (Debian's, installed when missing and running as root).
 */
const { values } = parseArgs({ options: { "with-redis": { type: "boolean", default: false } } });
const env = loadBridgeEnv();

function say(line: string) {
  process.stdout.write(`\x1b[35m[bridge]\x1b[0m ${line}\n`);
}

const redisServer = values["with-redis"] ? await startRedisServer() : null;
const redisUrl = redisServer?.url ?? env.REDIS_URL;
const bridge = createUpstashBridge({ redisUrl, token: env.UPSTASH_BRIDGE_TOKEN });
const port = await bridge.listen(env.UPSTASH_BRIDGE_PORT, env.UPSTASH_BRIDGE_HOST);

// A wildcard address is where the bridge listens, not one a client can call.
const host = ["0.0.0.0", "::"].includes(env.UPSTASH_BRIDGE_HOST)
  ? "127.0.0.1"
  : env.UPSTASH_BRIDGE_HOST;
const urlHost = host.includes(":") ? `[${host}]` : host;
say(`forwarding to Redis at ${new URL(redisUrl).host}${redisServer ? " (its own)" : ""}`);
say("use these settings:");
process.stdout.write(
  `UPSTASH_REDIS_REST_URL=http://${urlHost}:${port}\nUPSTASH_REDIS_REST_TOKEN=${env.UPSTASH_BRIDGE_TOKEN}\n`,
);
say("Ctrl-C stops it");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  await redisServer?.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
