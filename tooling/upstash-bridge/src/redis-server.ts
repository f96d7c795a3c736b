import { execFileSync, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const REDIS_SERVER = "/usr/bin/redis-server";
const INSTALL = "apt-get update && apt-get install -y --no-install-recommends redis-server";
const READY_TIMEOUT_MS = 10_000;

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM (or `signal`: SIGKILL for a crash), then waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, so clients can reconnect after an outage. */
  start(): Promise<void>;
}

/** Debian's redis-server, installed on first use when running as root; never silently skipped. */
function ensureRedisServer(): string {
  if (existsSync(REDIS_SERVER)) return REDIS_SERVER;
  if (process.getuid?.() !== 0) {
    throw new Error(`redis-server is missing. Install it with: sudo sh -c '${INSTALL}'`);
  }
  // Parallel test workers on a fresh machine would race for apt's locks: the first one
  // installs, the others wait for it and then find the binary.
  execFileSync(
    "env",
    [
      "DEBIAN_FRONTEND=noninteractive",
      "flock",
      path.join(os.tmpdir(), "brisk-redis-server-install.lock"),
      "sh",
      "-c",
      `test -x ${REDIS_SERVER} || (${INSTALL})`,
    ],
    { stdio: "inherit" },
  );
  if (!existsSync(REDIS_SERVER)) throw new Error(`apt-get did not install ${REDIS_SERVER}`);
  return REDIS_SERVER;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway redis-server on 127.0.0.1 that keeps nothing on disk. The Debian package may
 * also run a system service on 6379; this one always has a port of its own.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = ensureRedisServer();
  const port = options.port ?? (await freePort());
  let running: { stop(signal?: NodeJS.Signals): Promise<void> } | null = null;

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      running ??= await launch(binary, port);
    },
    async stop(signal) {
      const current = running;
      running = null;
      await current?.stop(signal);
    },
  };
  await server.start();
  return server;
}

async function launch(binary: string, port: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "brisk-redis-"));
  // Our args only: Debian's /etc/redis/redis.conf would bring persistence and port 6379.
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  // What waitUntilReady needs to fail fast and say why.
  const state = { ended: false, output: "" };
  const keepTail = (chunk: Buffer) => {
    state.output = (state.output + chunk.toString()).slice(-2_000);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);
  // 'error' without 'exit' is how a failed spawn ends.
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      state.output += `\n${error.message}`;
      resolve();
    });
  }).then(() => {
    state.ended = true;
  });

  // A test run that ends without stop() (a crash, a forgotten afterAll) must not leave it
  // running; 'exit' listeners may only do synchronous work, hence SIGKILL and rmSync.
  const killOnExit = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!state.ended) child.kill(signal);
    await exited;
    process.removeListener("exit", killOnExit);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(port, state);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function waitUntilReady(port: number, state: { ended: boolean; output: string }) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // An exit at start (port taken, bad option) fails now, in redis-server's own words.
    if (state.ended) {
      throw new Error(`redis-server on port ${port} exited at start:\n${state.output}`);
    }
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING in time:\n${state.output}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}
