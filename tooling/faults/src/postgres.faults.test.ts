import { until } from "@brisk/test-env/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWrites, SIGN_INS, startMixedLoad, tally } from "./load";
import { note } from "./note";
import { type Stack, startStack } from "./stack";

/** The api's request deadline (DB_REQUEST_TIMEOUT_MS): a refusal must come within it. */
const DEADLINE_MS = 2_000;
/** What a loaded two-core machine may add to an answer beyond the deadline itself. */
const SLACK_MS = 2_500;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    instances: 2,
    redis: true,
    apiEnv: { DB_REQUEST_TIMEOUT_MS: String(DEADLINE_MS), DB_CONNECT_TIMEOUT_S: "1" },
  });
});
afterAll(() => stack?.stop());

describe("Postgres killed and restarted under mixed load", () => {
  it("refuses fast with 503 + Retry-After, loses no write it confirmed, lands none it refused, and recovers without a restart", async () => {
    const token = await stack.signIn();
    const load = startMixedLoad({
      url: stack.url,
      token,
      connections: 16,
      tag: "pg-kill",
      users: 200,
      mix: { "sign-in": SIGN_INS, report: 2 },
    });
    await until("answered writes before the crash", () =>
      load.outcomes.filter((o) => o.op === "write" && o.status === 200).length >= 20
        ? true
        : undefined,
    );

    await stack.pg.kill();
    const killedAt = load.outcomes.length;
    await until("503s while Postgres is down", () =>
      load.outcomes.slice(killedAt).filter((o) => o.status === 503).length >= 20 ? true : undefined,
    );
    await stack.pg.restart();
    const restartedAt = load.outcomes.length;
    await until(
      "answered writes after the restart",
      () =>
        load.outcomes.slice(restartedAt).filter((o) => o.op === "write" && o.status === 200)
          .length >= 20
          ? true
          : undefined,
      { context: stack.output },
    );
    const outcomes = await load.stop();

    const counts = tally(outcomes);
    // Every answer is a success or a refusal that says when to try again; none is a 500, and
    // the balancer never had nothing to send to (both instances stayed in its rotation or
    // left it for each other, and no request was left without an answer).
    const unexpected = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
    expect(unexpected, JSON.stringify(counts)).toEqual([]);
    const refusals = outcomes.filter((o) => o.status === 503);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((o) => o.retryAfter !== undefined)).toBe(true);
    // Refused within the deadline, not after waiting out a connect timeout or a TCP retry.
    const slowest = Math.max(...refusals.map((o) => o.ms));
    expect(slowest, JSON.stringify(counts)).toBeLessThan(DEADLINE_MS + SLACK_MS);

    const writes = await checkWrites(stack.sql, "pg-kill", outcomes);
    note("Postgres killed", counts, {
      slowestRefusalMs: Math.round(slowest),
      writes: { done: writes.done, refused: writes.refused, unknown: writes.unknown },
    });
    expect(writes.missing).toEqual([]);
    expect(writes.refusedButLanded).toEqual([]);
    expect(writes.refused).toBeGreaterThan(0);
    // Reads answer again on both instances, from the same processes as before the crash.
    for (const api of stack.apis) {
      expect(api.proc.running()).toBe(true);
      const res = await fetch(
        `${api.origin}/trpc/users.byId?input=${encodeURIComponent('{"id":1}')}`,
      );
      expect(res.status).toBe(200);
    }
  });
});
