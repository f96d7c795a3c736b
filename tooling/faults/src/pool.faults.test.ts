import { until } from "@brisk/test-env/processes";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMixedLoad, tally } from "./load";
import { note } from "./note";
import { type ApiInstance, type Stack, startStack } from "./stack";

const DEADLINE_MS = 1_000;
const SLACK_MS = 2_000;

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack({
    instances: 2,
    redis: true,
    apiEnv: { DB_POOL_MAX: "4", DB_REQUEST_TIMEOUT_MS: String(DEADLINE_MS) },
  });
  token = await stack.signIn();
});
afterAll(() => stack?.stop());

/** One series of the instance's Prometheus metrics, as /metrics shows it. */
async function metric(api: ApiInstance, name: string) {
  const text = await (await fetch(api.metricsUrl)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

describe("the pool exhausted by slow queries under mixed load", () => {
  it("refuses what is beyond capacity with 503 within the deadline, and the event loop stays responsive", async () => {
    // Every statement on posts waits behind this lock: each api's four connections are soon
    // all held by statements that cannot finish.
    const blocker = postgres(stack.pg.url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const lock = blocker.begin(async (tx) => {
      await tx`lock table posts in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;

    const load = startMixedLoad({
      url: stack.url,
      token,
      connections: 32,
      tag: "pool",
      users: 200,
      mix: { read: 0, "sign-in": 0, report: 0, list: 70, write: 30 },
    });
    const lag: number[] = [];
    try {
      await until("requests refused for the exhausted pool", () =>
        load.outcomes.filter((o) => o.status === 503).length >= 100 ? true : undefined,
      );
      for (const api of stack.apis) {
        // Liveness is the event loop: it answers while every connection is stuck.
        expect((await fetch(`${api.origin}/healthz`)).status).toBe(200);
        lag.push(await metric(api, "brisk_nodejs_eventloop_lag_p99_seconds"));
      }
    } finally {
      release();
      await lock;
      await blocker.end();
    }
    const recovered = load.outcomes.length;
    await until("answers after the lock is gone", () =>
      load.outcomes.slice(recovered).filter((o) => o.status === 200).length >= 50
        ? true
        : undefined,
    );
    const outcomes = await load.stop();
    note(
      `pool exhausted: event loop lag p99 ${lag.map((s) => `${Math.round(s * 1000)} ms`).join(", ")}`,
      tally(outcomes),
    );

    const refused = outcomes.filter((o) => o.status === 503);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    expect(refused.every((o) => o.retryAfter !== undefined)).toBe(true);
    expect(Math.max(...refused.map((o) => o.ms))).toBeLessThan(DEADLINE_MS + SLACK_MS);
    for (const seconds of lag) expect(seconds).toBeLessThan(0.2);
  });
});
