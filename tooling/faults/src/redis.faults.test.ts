import { until } from "@brisk/test-env/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_INS, startMixedLoad, tally } from "./load";
import { note } from "./note";
import { type ApiInstance, type Stack, startStack } from "./stack";

/** CACHE_MAX_STALE_MS: how long an instance may answer from its own tier after another wrote. */
const MAX_STALE_MS = 1_000;
/** What a loaded two-core machine adds to a poll loop's view of that bound. */
const SLACK_MS = 1_500;

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack({
    instances: 2,
    redis: true,
    apiEnv: { CACHE_MAX_STALE_MS: String(MAX_STALE_MS) },
  });
  token = await stack.signIn();
});
afterAll(() => stack?.stop());

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

async function nameOn(api: ApiInstance, id: number) {
  const res = await fetch(`${api.origin}/trpc/users.byId?input=${input({ id })}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { name: string } } }).result.data.name;
}

/**
 * Renames user `id` through one instance, then polls the other until it answers the new name:
 * how long the other kept the old one.
 */
async function staleness(writer: ApiInstance, reader: ApiInstance, id: number, name: string) {
  await nameOn(reader, id); // in the reader's own tier before the write
  const res = await fetch(`${writer.origin}/trpc/users.update`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ id, name }),
  });
  expect(res.status).toBe(200);
  const written = performance.now();
  await until(`${reader.name} answering the new name`, async () =>
    (await nameOn(reader, id)) === name ? true : undefined,
  );
  return performance.now() - written;
}

describe("Redis killed and restarted under mixed load", () => {
  it("fails no request, and an instance sees another's write within the staleness bound throughout", async () => {
    const [one, two] = stack.apis as [ApiInstance, ApiInstance];
    const load = startMixedLoad({
      url: stack.url,
      token,
      connections: 8,
      tag: "redis-kill",
      users: 200,
      mix: { "sign-in": SIGN_INS },
      thinkMs: 5,
    });
    const bound = MAX_STALE_MS + SLACK_MS;
    const seen: Record<string, number> = {};
    try {
      seen.before = await staleness(one, two, 11, "Before the crash");

      await stack.redis!.stopRedis("SIGKILL");
      seen.down = await staleness(two, one, 12, "While Redis is down");
      seen.downAgain = await staleness(one, two, 11, "Still down");

      // Back, and empty: nothing of the invalidation log it held survived.
      await stack.redis!.startRedis();
      await until("requests served after Redis is back", () =>
        load.outcomes.length > 500 ? true : undefined,
      );
      seen.after = await staleness(one, two, 12, "After the restart");
    } finally {
      await load.stop();
    }
    note("staleness (ms)", seen, `bound ${MAX_STALE_MS}`, tally(load.outcomes));
    for (const [when, ms] of Object.entries(seen)) expect(ms, when).toBeLessThan(bound);
    expect(load.failures(), JSON.stringify(tally(load.outcomes))).toEqual([]);
  });
});
