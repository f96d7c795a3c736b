import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { runCommand, runPipeline, runTransaction } from "./execute";
import { HttpError, parseCommand, parseCommands } from "./protocol";
import { type Outcome, toJson } from "./replies";
import { ScriptTable } from "./scripts";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface UpstashBridgeOptions {
  redisUrl: string;
  token: string;
}

export interface UpstashBridge {
  server: http.Server;
  /** Resolves with the port actually bound (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Closes the HTTP server, then the Redis connection. */
  close(): Promise<void>;
}

/**
 * Upstash's REST protocol (what @upstash/redis speaks) in front of a plain Redis, for local
 * development and tests. Every request shares one Redis connection, which keeps answers in
 * arrival order: a read always sees earlier writes, so `upstash-sync-token` needs no reply.
 */
export function createUpstashBridge(options: UpstashBridgeOptions): UpstashBridge {
  const redis = new Redis(options.redisUrl, {
    // RESP2 gives the reply shapes Upstash answers with (RESP3 is ioredis 6's default).
    protocol: 2,
    // A command the connection lost is failed, never replayed: a second INCR is worse than
    // an error. Commands sent during an outage fail at the next failed reconnect attempt.
    maxRetriesPerRequest: 0,
    // Back within a second of Redis coming back (ioredis waits up to 5 s by default).
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Requests learn of an outage through their 503. ioredis fails them with a generic "max
  // retries" error, so the socket's own error, kept here, is what the 503 says.
  let outage: string | null = null;
  redis.on("error", (error: Error) => {
    outage = error.message;
  });
  redis.on("ready", () => {
    outage = null;
  });
  const scripts = new ScriptTable();
  const expected = Buffer.from(`Bearer ${options.token}`);

  function authorized(header: string | undefined) {
    const given = Buffer.from(header ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function answer(req: http.IncomingMessage): Promise<[number, unknown]> {
    if (!authorized(req.headers.authorization)) return [401, { error: "Unauthorized" }];
    if (req.method !== "POST") throw new HttpError(405, "ERR the bridge only answers POST");
    const { pathname: path } = new URL(req.url ?? "/", "http://bridge");
    if (path !== "/" && path !== "/pipeline" && path !== "/multi-exec") {
      throw new HttpError(404, `ERR unknown endpoint ${path}`);
    }
    const body = parseJson(await readBody(req));
    const base64 = req.headers["upstash-encoding"] === "base64";
    const reply = (outcome: Outcome) =>
      "error" in outcome ? outcome : { result: toJson(outcome.result, base64) };

    if (path === "/") {
      const outcome = await runCommand(redis, scripts, parseCommand(body));
      return ["error" in outcome ? 400 : 200, reply(outcome)];
    }
    const run = path === "/pipeline" ? runPipeline : runTransaction;
    const outcomes = await run(redis, scripts, parseCommands(body));
    return [200, outcomes.map(reply)];
  }

  const server = http.createServer((req, res) => {
    answer(req)
      .catch((error: unknown): [number, unknown] => {
        if (error instanceof HttpError && error.status === 503 && outage) {
          return [503, { error: `Redis unavailable: ${outage}` }];
        }
        if (error instanceof HttpError) return [error.status, { error: error.message }];
        return [500, { error: error instanceof Error ? error.message : String(error) }];
      })
      .then(([status, body]) => {
        // A body we stopped reading leaves the connection unusable.
        if (status === 413) res.setHeader("connection", "close");
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async close() {
      if (server.listening) {
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      }
      redis.disconnect();
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const tooLarge = new HttpError(413, `ERR request body over ${MAX_BODY_BYTES} bytes`);
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    return Promise.reject(tooLarge);
  }
  // Events rather than `for await`: leaving that loop early destroys the socket, and with it
  // the 413 answer.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data").pause();
        reject(tooLarge);
      } else {
        chunks.push(chunk);
      }
    });
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "ERR request body is not JSON");
  }
}
