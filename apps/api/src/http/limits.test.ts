import net from "node:net";
import { useTestDatabase } from "@brisk/db/testing/database";
import { createTestRuntime, createTRPCRouter, publicProcedure } from "@brisk/trpc/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadEnv } from "../env";
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from "./limits";
import { createApiServer } from "./server";

const database = useTestDatabase();

// A mutation that reads a body, and a subscription that streams longer than the request
// timeout, as job progress does.
const router = createTRPCRouter({
  echo: publicProcedure
    .input(z.object({ text: z.string().max(1_000) }))
    .mutation(({ input }) => input.text),
  ticks: publicProcedure
    .input(z.object({ count: z.number().int().max(50), everyMs: z.number().int().max(1_000) }))
    .subscription(async function* ({ input }) {
      for (let i = 0; i < input.count; i++) {
        await new Promise((r) => setTimeout(r, input.everyMs));
        yield { tick: i };
      }
    }),
});

// Small, so the tests wait for a timeout in about a second rather than Node's minutes.
const LIMITS: HttpLimits = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxHeaderBytes: 8 * 1024,
  keepAliveTimeoutMs: 5_000,
};

let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function start() {
  const runtime = createTestRuntime(database);
  const api = createApiServer({
    router,
    createContext: runtime.createContext,
    log: runtime.log,
    readiness: { sql: runtime.db.sql, isWarm: () => true },
    limits: LIMITS,
  });
  const port = await api.listen(0, "127.0.0.1");
  stop = async () => {
    await api.drain(1_000);
    await runtime.close();
  };
  return { port, base: `http://127.0.0.1:${port}` };
}

interface RawExchange {
  /** Everything the server sent before it closed the socket. */
  received: Promise<string>;
  /** Whether the server closed the socket (rather than the test). */
  closedByServer: () => boolean;
  destroy: () => void;
}

/**
 * A client on a bare socket: `first` at once, then each of `dribble` every `everyMs`, until
 * the list runs out or the server closes the socket. What a slowloris attacker does.
 */
function rawClient(port: number, first: string, dribble: string[] = [], everyMs = 0): RawExchange {
  const socket = net.connect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let text = "";
  let serverClosed = false;
  let timer: NodeJS.Timeout | undefined;
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  socket.on("end", () => {
    serverClosed = true;
  });
  // A write racing the server's close may fail (EPIPE, ECONNRESET): the close is the point.
  socket.on("error", () => {});
  const received = new Promise<string>((resolve) =>
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    }),
  );
  socket.write(first);
  const next = (i: number) => {
    if (i >= dribble.length || socket.destroyed) return;
    timer = setTimeout(() => {
      if (!socket.destroyed) socket.write(dribble[i]!);
      next(i + 1);
    }, everyMs);
  };
  next(0);
  return { received, closedByServer: () => serverClosed, destroy: () => socket.destroy() };
}

/** Header lines to send one at a time, more than any timeout in these tests lets through. */
const headerLines = (n: number) => Array.from({ length: n }, (_, i) => `x-slow-${i}: 1\r\n`);

describe("api server limits", () => {
  it("answers 431 to oversized headers and keeps answering other clients", async () => {
    const { port, base } = await start();
    const big = rawClient(
      port,
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(LIMITS.maxHeaderBytes)}\r\n\r\n`,
    );
    expect(await big.received).toMatch(/^HTTP\/1\.1 431 /);
    expect(big.closedByServer()).toBe(true);

    // Headers just under the limit are served.
    const fits = await fetch(`${base}/healthz`, {
      headers: { "x-fits": "a".repeat(LIMITS.maxHeaderBytes / 2) },
    });
    expect(fits.status).toBe(200);
  });

  it("cuts slowloris clients at the headers timeout while a normal client is answered", async () => {
    const { port, base } = await start();
    // 50 sockets each sending a header line every 200 ms, for far longer than the timeout.
    const attackers = Array.from({ length: 50 }, () =>
      rawClient(port, "GET /healthz HTTP/1.1\r\nhost: x\r\n", headerLines(100), 200),
    );
    let cut = 0;
    const allCut = Promise.all(attackers.map((a) => a.received)).finally(() => {
      cut = attackers.length;
    });

    // A normal client asks over and over while the attack lasts; every request is answered.
    const statuses: number[] = [];
    while (cut === 0) {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const answers = await allCut;
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Each attacker was told 408 and closed by the server, long before its lines ran out.
    for (const [i, answer] of answers.entries()) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(attackers[i]!.closedByServer()).toBe(true);
    }
  });

  it("cuts a request whose body arrives too slowly at the request timeout", async () => {
    const { port } = await start();
    // 1,000 bytes announced, sent one byte every 100 ms: 100 s, against a 2 s timeout.
    const slow = rawClient(
      port,
      "POST /trpc/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
      Array.from({ length: 1_000 }, () => " "),
      100,
    );
    expect(await slow.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.closedByServer()).toBe(true);
  });

  it("lets a subscription stream longer than the request timeout", async () => {
    const { base } = await start();
    // 12 ticks 250 ms apart: 3 s of streaming against the 2 s request timeout.
    const input = encodeURIComponent(JSON.stringify({ count: 12, everyMs: 250 }));
    const res = await fetch(`${base}/trpc/ticks?input=${input}`, {
      headers: { accept: "text/event-stream" },
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const ticks = [...text.matchAll(/"tick":(\d+)/g)].map((m) => Number(m[1]));
    expect(ticks).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("keeps an idle keep-alive socket past the headers timeout, for the next request", async () => {
    const { port } = await start();
    const request = "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n";
    // The second request follows after 1.5 s idle: longer than the headers timeout (which
    // times a request from its first byte), shorter than the keep-alive timeout.
    const client = rawClient(
      port,
      request,
      [`${request.slice(0, -2)}connection: close\r\n\r\n`],
      1_500,
    );
    const text = await client.received;
    expect(text.match(/^HTTP\/1\.1 200 /gm)).toHaveLength(2);
  });
});

describe("HTTP limits from the environment", () => {
  const required = { DATABASE_URL: "postgres://127.0.0.1:5432/brisk" };

  it("defaults to DEFAULT_HTTP_LIMITS and reads each setting", () => {
    const defaults = loadEnv(required);
    expect(defaults.HTTP_HEADERS_TIMEOUT_MS).toBe(DEFAULT_HTTP_LIMITS.headersTimeoutMs);
    expect(defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
    const set = loadEnv({ ...required, HTTP_KEEP_ALIVE_TIMEOUT_MS: "620000" });
    expect(set.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(620_000);
  });

  it("refuses values out of bounds, and a headers timeout longer than the request's", () => {
    expect(() => loadEnv({ ...required, HTTP_MAX_HEADER_BYTES: "1024" })).toThrow(
      /HTTP_MAX_HEADER_BYTES/,
    );
    expect(() =>
      loadEnv({ ...required, HTTP_HEADERS_TIMEOUT_MS: "30000", HTTP_REQUEST_TIMEOUT_MS: "10000" }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_MS cannot exceed HTTP_REQUEST_TIMEOUT_MS/);
  });
});
