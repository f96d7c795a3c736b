import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { controlSchema, type Fault } from "./faults";
import {
  answer,
  DEFAULT_KEYS,
  DEFAULT_LATENCY_MS,
  PROVIDERS,
  type ProviderName,
} from "./providers";

export type { Fault } from "./faults";
export { DEFAULT_KEYS, DEFAULT_LATENCY_MS, PROVIDERS, type ProviderName } from "./providers";

export interface SimulatorOptions {
  /** The API key each provider requires in `x-api-key`. */
  keys?: Partial<Record<ProviderName, string>>;
  /** Each provider's typical latency. */
  latencyMs?: Partial<Record<ProviderName, number>>;
  /** Latency varies by up to this share either way. */
  jitter?: number;
  random?: () => number;
}

/** Requests each provider received, and how many a fault took instead of an answer. */
export type SimulatorStats = Record<ProviderName, { requests: number; faulted: number }>;

const STATS_PATH = /^\/([a-z]+)\/v1\/authors\/(\d{1,10})\/stats$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RANGE_DAYS = 366;

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new Error("body too large");
  }
  return JSON.parse(text);
}

function emptyStats(): SimulatorStats {
  return Object.fromEntries(
    PROVIDERS.map((p) => [p, { requests: 0, faulted: 0 }]),
  ) as SimulatorStats;
}

/**
 * Five external providers on one real HTTP server, each under its own path prefix
 * (`/pageviews/v1/authors/:id/stats?from=&to=`), with the latency of a remote API and faults
 * a test or a developer sets at run time through `/_control/faults`.
 */
export function createProviderSimulator(options: SimulatorOptions = {}) {
  const keys = { ...DEFAULT_KEYS, ...options.keys };
  const latency = { ...DEFAULT_LATENCY_MS, ...options.latencyMs };
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const faults = new Map<ProviderName, Fault & { left: number }>();
  let stats = emptyStats();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  function later(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  /** The fault this request meets, if any; `times` counts down as faults are dealt. */
  function draw(provider: ProviderName): Fault | undefined {
    const fault = faults.get(provider);
    if (!fault || random() >= fault.rate) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.delete(provider);
    return fault;
  }

  async function serveProvider(req: IncomingMessage, res: ServerResponse, url: URL) {
    const match = STATS_PATH.exec(url.pathname);
    const provider = match?.[1] as ProviderName | undefined;
    if (!match || !provider || !PROVIDERS.includes(provider)) {
      return json(res, 404, { error: "not found" });
    }
    stats[provider].requests += 1;
    if (req.headers["x-api-key"] !== keys[provider]) {
      return json(res, 401, { error: "missing or wrong x-api-key" });
    }
    const from = url.searchParams.get("from") ?? "";
    const to = url.searchParams.get("to") ?? "";
    const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (!DATE.test(from) || !DATE.test(to) || !(span >= 0 && span < MAX_RANGE_DAYS)) {
      return json(res, 400, {
        error: `from and to are dates, from <= to, at most ${MAX_RANGE_DAYS} days`,
      });
    }

    const fault = draw(provider);
    if (fault) stats[provider].faulted += 1;
    // A timeout never answers: the socket stays open until the client gives up.
    if (fault?.kind === "timeout") return;
    const typical = latency[provider];
    await later(
      typical * (1 - jitter + 2 * jitter * random()) + (fault?.kind === "slow" ? fault.delayMs : 0),
    );
    if (res.destroyed) return;
    switch (fault?.kind) {
      case "error":
        return json(res, fault.status, { error: "simulated failure" });
      case "rate-limit":
        return json(res, 429, { error: "slow down" }, { "retry-after": String(fault.retryAfterS) });
      case "reset":
        req.socket.resetAndDestroy();
        return;
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"authorId": "not-a-number", "views": ');
        return;
      default:
        return json(res, 200, answer(provider, Number(match[2]), from, to));
    }
  }

  async function serveControl(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (url.pathname === "/_control/stats" && req.method === "GET") return json(res, 200, stats);
    if (url.pathname === "/_control/reset" && req.method === "POST") {
      faults.clear();
      stats = emptyStats();
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/_control/faults" && req.method === "PUT") {
      const parsed = controlSchema.safeParse(await readBody(req).catch(() => undefined));
      if (!parsed.success) return json(res, 400, { error: parsed.error.issues });
      const { provider, fault } = parsed.data;
      if (fault) faults.set(provider, { ...fault, left: fault.times ?? Number.POSITIVE_INFINITY });
      else faults.delete(provider);
      return json(res, 200, { ok: true });
    }
    return json(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    const serve =
      url.pathname === "/health"
        ? Promise.resolve(json(res, 200, { ok: true }))
        : url.pathname.startsWith("/_control/")
          ? serveControl(req, res, url)
          : req.method === "GET"
            ? serveProvider(req, res, url)
            : Promise.resolve(json(res, 405, { error: "GET only" }));
    serve.catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return {
    /** Listens; resolves with the port (0 picks a free one). */
    listen(port: number, host = "127.0.0.1"): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    /** Sets a provider's fault (null clears it), as `PUT /_control/faults` does. */
    setFault(provider: ProviderName, fault: Partial<Fault> & Pick<Fault, "kind">) {
      const parsed = controlSchema.parse({ provider, fault });
      faults.set(provider, {
        ...parsed.fault!,
        left: parsed.fault!.times ?? Number.POSITIVE_INFINITY,
      });
    },
    clearFaults() {
      faults.clear();
    },
    stats(): SimulatorStats {
      return structuredClone(stats);
    },
    keys,
    /** Stops at once: held (timed-out) requests and keep-alive sockets are cut. */
    close(): Promise<void> {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type ProviderSimulator = ReturnType<typeof createProviderSimulator>;
