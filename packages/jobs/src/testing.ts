import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export interface ReceivedEvent {
  id?: string;
  name: string;
  data: Record<string, unknown>;
}

/** A sync's body: the app and its functions with their configuration. */
export interface Registration {
  url: string;
  appName: string;
  functions: {
    id: string;
    name: string;
    triggers: { event?: string }[];
    idempotency?: string;
    steps: Record<string, { retries?: { attempts: number } }>;
  }[];
}

/**
 * Inngest's event API as tests need it: a node:http server taking `POST /e/<key>` and
 * answering `{"ids": [...], "status": 200}`, keeping what it received; and its
 * `POST /fn/register`, keeping what a sync registered. `stop()` closes the
 * port (the relay's sends then fail as with Inngest unreachable); `start()` opens the same
 * port again.
 */
export async function startEventReceiver() {
  const received: ReceivedEvent[] = [];
  const registrations: Registration[] = [];
  let server: http.Server | undefined;
  let port = 0;

  async function start() {
    if (server) return;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (req.method === "POST" && req.url === "/fn/register") {
          registrations.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Registration);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ status: 200, modified: true }));
          return;
        }
        if (req.method !== "POST" || !req.url?.startsWith("/e/")) {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as
          | ReceivedEvent
          | ReceivedEvent[];
        const batch = Array.isArray(body) ? body : [body];
        received.push(...batch);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ids: batch.map((e) => e.id ?? randomUUID()), status: 200 }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", resolve);
    });
    port = (server!.address() as AddressInfo).port;
  }

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** What the serve endpoint synced (`PUT`), as Inngest's `/fn/register` receives it. */
    registrations,
    /** Listens again on the same port; nothing when listening already. */
    start,
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}

export type EventReceiver = Awaited<ReturnType<typeof startEventReceiver>>;

interface Op {
  op: string;
  id: string;
  data?: unknown;
}

/**
 * Runs one function to its end over Inngest's wire protocol, as an executor does: POST the
 * serve URL with `?fnId=<app>-<fn>&stepId=step` and the event, store each step's result under
 * the id the SDK returns (206), call again with the results, until a 200. `runId` names the
 * run; a new one is a new run (an event delivered again), the same steps a retry's replay.
 * Returns the function's result and the steps run.
 */
export async function runFunction(
  serveUrl: string,
  fnId: string,
  /** `ts`: when the event was received (ms); now when absent. */
  event: { id?: string; name: string; data: Record<string, unknown>; ts?: number },
  options: {
    runId?: string;
    steps?: Record<string, { data: unknown }>;
    /** Signs each request as Inngest does (cloud mode); unsigned without. */
    signingKey?: string;
    maxCalls?: number;
  } = {},
) {
  const runId = options.runId ?? randomUUID();
  const steps: Record<string, { data: unknown }> = { ...options.steps };
  const stamped = { ...event, ts: event.ts ?? Date.now() };
  for (let call = 0; call < (options.maxCalls ?? 20); call++) {
    const body = canonicalJson({
      event: stamped,
      events: [stamped],
      steps,
      ctx: {
        run_id: runId,
        attempt: 0,
        max_attempts: 5,
        disable_immediate_execution: false,
        use_api: false,
        stack: { stack: Object.keys(steps), current: Object.keys(steps).length },
      },
      version: 2,
    });
    const res = await fetch(`${serveUrl}?fnId=${encodeURIComponent(fnId)}&stepId=step`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.signingKey ? { "x-inngest-signature": sign(body, options.signingKey) } : {}),
      },
      body,
    });
    const text = await res.text();
    if (res.status === 200) return { result: JSON.parse(text) as unknown, steps };
    if (res.status !== 206) throw new Error(`serve answered ${res.status}: ${text}`);
    for (const op of JSON.parse(text) as Op[]) {
      if (op.op !== "StepRun") throw new Error(`unexpected op ${op.op}: ${text}`);
      steps[op.id] = { data: op.data ?? null };
    }
  }
  throw new Error("the function did not finish");
}

/** `X-Inngest-Signature`: HMAC-SHA256 of the body and the time, keyed with the key's secret. */
export function sign(body: string, signingKey: string, at = new Date()) {
  const ts = Math.floor(at.getTime() / 1000).toString();
  const secret = signingKey.replace(/^signkey-\w+-/, "");
  return `t=${ts}&s=${createHmac("sha256", secret).update(body).update(ts).digest("hex")}`;
}

/** JSON with keys sorted at every level: the form Inngest signs (RFC 8785 for these values). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The local executor's CLI as a process of its own (packages never import tooling, so it is
 * started through pnpm by name): on `databaseUrl`, at `port`, retrying failed steps after
 * `backoffMs` when given instead of Inngest's schedule, and syncing `sync` (an app's serve URL) once it
 * listens. Its own process group, so `stop()` (SIGTERM) and `kill()` (SIGKILL: a crash) reach
 * pnpm's child too. `output()` keeps its last lines for failure messages.
 */
export function spawnLocalExecutor(options: {
  databaseUrl: string;
  port: number;
  backoffMs?: number;
  sync?: string;
}) {
  const child = spawn(
    "pnpm",
    [
      "--silent",
      "--filter",
      "@brisk/inngest-executor",
      "run",
      "dev",
      "--port",
      String(options.port),
      ...(options.backoffMs !== undefined ? ["--backoff-ms", String(options.backoffMs)] : []),
      ...(options.sync ? ["--sync", options.sync] : []),
    ],
    {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: { ...process.env, DATABASE_URL: options.databaseUrl },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, name);
      } catch {}
    }
    await exited;
  };
  return {
    url: `http://127.0.0.1:${options.port}`,
    output: () => log,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

export type LocalExecutor = ReturnType<typeof spawnLocalExecutor>;
