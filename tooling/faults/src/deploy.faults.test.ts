import { createBriskClient } from "@brisk/api-contract";
import { until } from "@brisk/test-env/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_INS, startMixedLoad, tally } from "./load";
import { note } from "./note";
import { type ApiInstance, type Stack, startStack } from "./stack";

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack({ instances: 2, redis: true, jobs: true });
  token = await stack.signIn();
});
afterAll(() => stack?.stop());

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

async function call(origin: string, path: string, value: unknown, bearer: string, write = false) {
  const res = write
    ? await fetch(`${origin}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify(value),
      })
    : await fetch(`${origin}/trpc/${path}?input=${input(value)}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
  return { status: res.status, body: (await res.json()) as { result?: { data?: unknown } } };
}

/** SIGTERM, as an orchestrator stops an instance: the exit code and how long it took. */
async function terminate(api: ApiInstance) {
  const started = performance.now();
  const code = await api.proc.signal("SIGTERM");
  return { code, ms: performance.now() - started };
}

describe("two api instances behind HAProxy", () => {
  it("a session signed in on one writes on the other and reads its own write through both", async () => {
    const [one, two] = stack.apis as [ApiInstance, ApiInstance];
    const signIn = await fetch(`${one.origin}/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "member@brisk.dev", password: "brisk-demo" }),
    });
    expect(signIn.status).toBe(200);
    const session = signIn.headers.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!;

    const created = await call(
      two.origin,
      "posts.create",
      { title: "written on the other instance", body: "", status: "draft" },
      session,
      true,
    );
    expect(created.status).toBe(200);
    const id = (created.body.result!.data as { id: number }).id;
    // A draft: only its author (and admins) may read it, so each read proves the session too.
    for (const origin of [one.origin, two.origin, stack.url]) {
      const read = await call(origin, "posts.byId", { id }, session);
      expect(read.status, origin).toBe(200);
      expect(read.body.result!.data).toMatchObject({ id, title: "written on the other instance" });
    }
  });

  it("an idle instance exits within a second of SIGTERM, Redis and telemetry on", async () => {
    const [one] = stack.apis as [ApiInstance];
    await stack.balancer.until(one.name, "UP");
    const stopped = await terminate(one);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(1_000);
    note(`idle SIGTERM → exit: ${Math.round(stopped.ms)} ms`);
    await one.start();
    await stack.balancer.until(one.name, "UP");
  });

  it("a rolling deploy under mixed load fails no request, and live progress resumes on the other instance", async () => {
    // Live progress for everything, as the Jobs page follows it, through the balancer.
    const client = createBriskClient({ url: `${stack.url}/trpc`, token });
    const received: number[] = [];
    let reconnects = 0;
    const subscription = client.jobs.progress.subscribe(
      {},
      {
        onData: ({ id }) => received.push(Number(id)),
        onConnectionStateChange: (state) => {
          if (state.state === "connecting" && received.length > 0) reconnects++;
        },
      },
    );
    const load = startMixedLoad({
      url: stack.url,
      token,
      connections: 8,
      tag: "deploy",
      users: 200,
      mix: { "sign-in": SIGN_INS, report: 4 },
      thinkMs: 10,
    });
    try {
      await until("progress events before the deploy", () =>
        received.length >= 5 ? true : undefined,
      );
      // One instance at a time, as a deploy replaces them: stop (drain), start the new
      // version, wait until the balancer sends it traffic, then the next.
      for (const api of stack.apis) {
        const before = load.outcomes.length;
        const stopped = await terminate(api);
        expect(stopped.code, api.proc.output()).toBe(0);
        await api.start();
        await stack.balancer.until(api.name, "UP");
        await until("requests served after the restart", () =>
          load.outcomes.length > before + 200 ? true : undefined,
        );
      }
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes;
    note(`rolling deploy: ${outcomes.length} requests`, tally(outcomes));
    expect(load.failures(), JSON.stringify(tally(outcomes))).toEqual([]);
    expect(outcomes.filter((o) => o.op === "report").length).toBeGreaterThan(0);

    // Every event recorded while the stream was followed reached it, once and in order,
    // across the reconnects the deploy forced.
    const last = received.at(-1)!;
    let recordedMax = 0;
    await until(
      "the stream caught up",
      async () => {
        const [row] = await stack.sql<{ max: number }[]>`
          select max(id)::int as max from job_progress`;
        recordedMax = row!.max;
        return recordedMax === received.at(-1) ? true : undefined;
      },
      {
        timeoutMs: 30_000,
        context: () =>
          `received ${received.length} (first ${received[0]}, last ${received.at(-1)}), recorded up to ${recordedMax}, ${reconnects} reconnects`,
      },
    );
    subscription.unsubscribe();
    const recorded = await stack.sql<{ id: number }[]>`
      select id from job_progress where id >= ${received[0]!} order by id`;
    expect(reconnects).toBeGreaterThan(0);
    expect(received).toEqual(recorded.map((r) => Number(r.id)));
    note(`live progress: ${received.length} events (last ${last}), ${reconnects} reconnects`);
  });
});
