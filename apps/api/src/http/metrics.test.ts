import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetricsServer } from "../http/metrics-server";
import { startTestApi } from "../testing";

const database = useTestDatabase();
let api: Awaited<ReturnType<typeof startTestApi>>;
let metricsServer: ReturnType<typeof createMetricsServer>;
let base: string;
let metricsUrl: string;

beforeAll(async () => {
  await seed(database.handle.sql, { users: 5, postsPerUser: 3 });
  api = await startTestApi(database);
  base = api.base;
  metricsServer = createMetricsServer(api.registry);
  metricsUrl = `http://127.0.0.1:${await metricsServer.listen(0, "127.0.0.1")}/metrics`;
});

afterAll(async () => {
  await api.stop();
  await metricsServer.close();
});

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

async function scrape() {
  const res = await fetch(metricsUrl);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  return { families: parsePrometheusTextFormat(text), text };
}

// The parser flattens labelled histograms away, so their series are read from the text.
function series(text: string, name: string, labels: string) {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("/metrics", () => {
  it("counts exactly the calls made, by procedure and status, with their latencies", async () => {
    for (let i = 0; i < 3; i++) await fetch(`${base}/users.list?input=${input({ limit: 2 })}`);
    await fetch(`${base}/users.list?input=${input({ limit: 0 })}`);
    await fetch(
      `${base}/users.byId,users.byId?batch=1&input=${input({ 0: { id: 1 }, 1: { id: 2 } })}`,
    );
    await fetch(`${base}/users.byId?input=${input({ id: 999 })}`);

    const { families, text } = await scrape();
    const family = (name: string) => families.find((f) => f.name === name);

    const requests = family("brisk_rpc_requests_total");
    expect(requests?.type).toBe("COUNTER");
    const counts = Object.fromEntries(
      (requests?.metrics ?? []).map((m) => [
        `${m.labels?.procedure} ${m.labels?.type} ${m.labels?.status}`,
        Number(m.value),
      ]),
    );
    expect(counts).toEqual({
      "users.list query 200": 3,
      "users.list query 400": 1,
      "users.byId query 200": 2,
      "users.byId query 404": 1,
    });

    expect(family("brisk_rpc_request_duration_seconds")?.type).toBe("HISTOGRAM");
    const list = 'procedure="users.list",type="query"';
    expect(series(text, "brisk_rpc_request_duration_seconds_count", list)).toBe(4);
    const buckets = text
      .split("\n")
      .filter(
        (l) => l.startsWith(`brisk_rpc_request_duration_seconds_bucket{le=`) && l.includes(list),
      )
      .map((l) => /le="([^"]+)"/.exec(l)?.[1]);
    expect(buckets).toEqual(
      "0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 +Inf".split(" "),
    );

    // Every procedure called has its in-flight series, back at zero now that all answered.
    const inFlight = family("brisk_rpc_in_flight");
    expect(
      Object.fromEntries(
        (inFlight?.metrics ?? []).map((m) => [m.labels?.procedure, Number(m.value)]),
      ),
    ).toEqual({ "users.list": 0, "users.byId": 0 });

    // users.list ×3 and the batched byId: one statement each; bad input and 404 reach the db once.
    expect(
      series(text, "brisk_db_statement_duration_seconds_count", 'result="ok",target="primary"'),
    ).toBe(5);
  });

  it("shows the pool and the process", async () => {
    const { families } = await scrape();
    const names = new Set(families.map((f) => f.name));
    for (const name of [
      "brisk_db_pool_max",
      "brisk_db_pool_connections",
      "brisk_db_pool_waiting",
      "brisk_nodejs_eventloop_lag_p99_seconds",
      "brisk_nodejs_eventloop_utilization_ratio",
      "brisk_nodejs_heap_size_used_bytes",
      "brisk_process_cpu_seconds_total",
      "brisk_nodejs_gc_duration_seconds",
    ]) {
      expect(names, name).toContain(name);
    }
    const max = families.find((f) => f.name === "brisk_db_pool_max");
    expect(Number(max?.metrics[0]?.value)).toBe(4);
  });

  it("is not served by the api's own port", async () => {
    const res = await fetch(base.replace("/trpc", "/metrics"));
    expect(res.status).toBe(404);
  });
});
