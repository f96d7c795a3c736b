import { freePort } from "@brisk/db/embedded";
import { BENCH_PASSWORD } from "@brisk/db/seed";
import { parseArgs } from "./args";
import {
  createHarness,
  type LoadResult,
  type LoadSpec,
  root,
  rssMb,
  say,
  stop,
  tsx,
  waitReady,
} from "./harness";
import {
  adminApiKey,
  DRAIN_DEADLINE_MS,
  inPhase,
  measureInviteMail,
  measurePacedMail,
  PACED,
  startExecutor,
  syncApi,
} from "./invite";
import { startLatencyRelay } from "./latency-relay";
import { checkSnapshot, providersEnv, SLOWEST_MS, startSimulator } from "./providers";
import {
  type CacheCounts,
  type InviteFigures,
  type LatencyRow,
  type LoadFigures,
  type Row,
  type StormFigures,
  type W3Figures,
  writeReport,
} from "./report";
import { measureTransformers } from "./transformer";
import {
  benchEmail,
  SIGN_IN_PATH,
  type Variant,
  W1_PATH,
  type Workload,
  w2Path,
} from "./workloads";

/**
 * `pnpm bench`: the benchmark workload (docs/PERFORMANCE.md) against Brisk and, in the same
 * run on the same database, its baselines. Brisk as production runs it (`brisk`, at the
 * default trace sampling), with every trace recorded (`brisk-traced`) and with telemetry off
 * (`brisk-notel`), the cache off for all three: the uncached path. `brisk-cached` reads W2
 * through both cache tiers (Redis behind the Upstash bridge), `brisk-cached-memory` through
 * tier 1 alone (no Redis, one instance), `brisk-cached-auth` through both tiers with a session
 * cookie on every request, and `brisk-cached-storm` alone and then beside a storm of
 * `auth.signIn` at full load. Baselines: `naive` (N+1), `ceiling` (node:http and
 * postgres.js running Brisk's SQL), `ceiling-pgjson` (Postgres builds the JSON),
 * `ceiling-memory` (node:http answering from a Map). Then W1 again, brisk and naive, through
 * a relay that gives each database round trip `--db-latency-ms`. Last, W4: `users.invite`
 * with an admin API key against `brisk-invite` (jobs on, the local executor beside it, the
 * emails awaited in the mailbox) and `ceiling-invite` (the same inserts on node:http). Before
 * W4, W3: `reports.snapshot` with an admin API key against the provider simulator, with the
 * providers' cache off (`brisk-w3-cold`) and on and primed (`brisk-w3-warm`), beside
 * `sequential` (the same five calls awaited one after another). Every server is its own
 * process, started as production would and measured one at a time.
 */
const args = parseArgs(process.argv.slice(2));
// W4 adds two servers, up to DRAIN_DEADLINE_MS of waiting for the burst's invitation emails,
// and the paced phase with its own wait; W3 three servers, the simulator and the warm
// variant's priming (W3_AUTHORS snapshots).
const harness = createHarness({
  name: "bench",
  limitMs: 540_000 + DRAIN_DEADLINE_MS + PACED.seconds * 1000 + PACED.deadlineMs + 60_000 + 120_000,
});

interface Server {
  name: Variant;
  command: string[];
  env: Record<string, string>;
  workloads: Workload[];
  /** Scrape the api's /metrics around each point: SQL sent, and what each cache tier did. */
  scrape?: boolean;
  /** Read every W2 id once before the warm-up: the point measures reads of cached keys. */
  prime?: boolean;
  /** Its answers are Brisk's JSON, parsed; not the same bytes (see ceiling-pgjson.ts). */
  sameJsonParsed?: boolean;
  /** Every simulated client signs in first (a bench user each) and sends its session cookie. */
  signedIn?: boolean;
  /** An admin API key is made from this dashboard origin, and every request sends it. */
  apiKeyFrom?: string;
}

// The priming sweep reads every user in tRPC batches of 50, at this many connections: the
// Upstash bridge shares this machine's two cores with everything else, and at 32 connections
// it answers past the cache's 75 ms budget (docs/PERFORMANCE.md, "Tier 2 under load").
const PRIME_CONNECTIONS = 4;

/** The api's /metrics now: a sum of the series starting with `prefix` that have every part. */
async function scrape(metricsUrl: string) {
  const text = await (await fetch(metricsUrl)).text();
  return (prefix: string, has: string[] = []) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(prefix) && has.every((part) => line.includes(part)))
      .reduce((total, line) => total + Number(line.split(" ").at(-1)), 0);
}

/** What the api's /metrics says so far. */
async function counts(
  metricsUrl: string,
): Promise<CacheCounts & { calls: number; statements: number }> {
  const sum = await scrape(metricsUrl);
  const lookups = (tier: string, result: string) =>
    sum("brisk_cache_lookups_total{", [`tier="${tier}"`, `result="${result}"`]);
  const commands = (command: string, outcome: string) =>
    sum("brisk_cache_redis_command_duration_seconds_count{", [
      `command="${command}"`,
      `outcome="${outcome}"`,
    ]);
  return {
    calls: sum("brisk_rpc_requests_total{"),
    statements: sum("brisk_db_statement_duration_seconds_count"),
    memoryHits: lookups("memory", "hit"),
    memoryMisses: lookups("memory", "miss"),
    redisHits: lookups("redis", "hit"),
    redisMisses: lookups("redis", "miss"),
    redisTimeouts: commands("mget", "timeout"),
    redisErrors: commands("mget", "error"),
    redisRefused: sum("brisk_cache_redis_refused_total{", ['command="mget"']),
    redisShed: sum("brisk_cache_redis_shed_total{", ['command="mget"']),
    storesWritten: commands("store", "ok"),
    storesFailed: commands("store", "timeout") + commands("store", "error"),
  };
}

/** What changed between two readings of the same counters. */
function difference<T extends { [K in keyof T]: number }>(after: T, before: T): T {
  const result = { ...after };
  for (const key of Object.keys(after) as (keyof T)[]) {
    result[key] = (after[key] - before[key]) as T[keyof T];
  }
  return result;
}

/**
 * Sign-ins so far, by how they ended, and the event loop's lag p99 since the previous scrape
 * (prom-client starts its lag histogram again at every scrape).
 */
async function signInReading(metricsUrl: string) {
  const sum = await scrape(metricsUrl);
  const outcome = (name: string) => sum("brisk_auth_sign_ins_total{", [`outcome="${name}"`]);
  const outcomes: StormFigures["outcomes"] = {
    ok: outcome("ok"),
    failed: outcome("failed"),
    limited: outcome("limited"),
    busy: outcome("busy"),
  };
  const lagMs = Math.round(sum("brisk_nodejs_eventloop_lag_p99_seconds ") * 1000);
  return { outcomes, lagMs, total: Object.values(outcomes).reduce((a, b) => a + b, 0) };
}

/**
 * Signs `count` bench users in through the api, as the dashboard's sign-in form does, and
 * returns the Cookie header each must send. Members only: an admin is shown every user's
 * email, a different answer from everyone else's.
 */
async function signInBenchUsers(base: string, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let n = 1; cookies.length < count; n++) {
    const response = await fetch(base + SIGN_IN_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: benchEmail(n), password: BENCH_PASSWORD }),
    });
    if (!response.ok) throw new Error(`signing in ${benchEmail(n)}: ${await response.text()}`);
    const { result } = (await response.json()) as { result: { data: { role: string } } };
    if (result.data.role === "admin") continue;
    // `name=token; Path=/; HttpOnly; …`: the part a browser sends back.
    const cookie = response.headers.getSetCookie()[0]?.split(";")[0];
    if (!cookie) throw new Error(`signing in ${benchEmail(n)} set no cookie`);
    cookies.push(cookie);
  }
  return cookies;
}

/** Starts a server on a free port (a fixed one may belong to someone else's server). */
async function startServer(server: Server, env: Record<string, string>) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const [command, ...rest] = server.command;
  const child = harness.spawn(command!, rest, {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      ...server.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, child);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { child, base, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** Share of a point's requests that sent no SQL (each statement charged to one request). */
const noSql: Partial<Record<Variant, number>> = {};
/** What each cache tier did during the priming sweep and during the measured point. */
const cacheCounts: { variant: Variant; phase: "priming" | "point"; counts: CacheCounts }[] = [];
/** W3: provider calls the api made per snapshot during the point (5 cold, 0 warm). */
const providerCallsPerRead: Partial<Record<Variant, number>> = {};

/**
 * Provider calls and procedure calls so far, from the api's /metrics, once no call is running:
 * a snapshot the load left behind has made its provider calls but is not counted yet.
 */
async function providerCalls(metricsUrl: string) {
  const deadline = Date.now() + 15_000;
  let sum = await scrape(metricsUrl);
  while (sum("brisk_rpc_in_flight{") > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    sum = await scrape(metricsUrl);
  }
  return { calls: sum("brisk_rpc_requests_total{"), provider: sum("brisk_provider_calls_total{") };
}

async function measure(
  server: Server,
  spec: Omit<LoadSpec, "seconds">,
  child: ReturnType<typeof harness.spawn>,
) {
  if (args.warmup > 0) await harness.load({ ...inPhase(spec, "warmup"), seconds: args.warmup });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(child.pid!));
  }, 200);
  const result = await harness.load({ ...inPhase(spec, "run"), seconds: args.duration });
  clearInterval(sampler);
  if (child.exitCode !== null) throw new Error(`${server.name} exited during ${spec.workload}`);
  peak = Math.max(peak, rssMb(child.pid!));
  return { result, peak: Math.round(peak) };
}

/** Names one server's W4 invitees apart from every other run's. */
const runTag = (variant: Variant) => `${variant}-${Date.now().toString(36)}`;

async function runServer(server: Server, env: Record<string, string>): Promise<Row[]> {
  const { child, base, metricsUrl } = await startServer(server, env);
  const rows: Row[] = [];
  try {
    const cookies = server.signedIn ? await signInBenchUsers(base, args.connections) : undefined;
    const token = server.apiKeyFrom ? await adminApiKey(base, server.apiKeyFrom) : undefined;
    for (const workload of server.workloads) {
      if (workload === "W3") await checkSnapshot(base, token);
      say(`  ${server.name} ${workload}: ${args.warmup} s warm-up, ${args.duration} s load`);
      const spec = {
        base,
        workload,
        connections: args.connections,
        cookies,
        token,
        ...(workload === "W4" ? { invite: { tag: runTag(server.name) } } : {}),
      };
      if (server.prime) {
        const before = await counts(metricsUrl);
        // A W3 snapshot waits on its slowest provider, not on Redis: all connections.
        const primers = workload === "W3" ? args.connections : PRIME_CONNECTIONS;
        const sweep = { ...spec, connections: primers, cookies: undefined };
        await harness.load({ ...sweep, seconds: 0, sweep: true });
        const primed = difference(await counts(metricsUrl), before);
        cacheCounts.push({ variant: server.name, phase: "priming", counts: primed });
      }
      const before = server.scrape ? await counts(metricsUrl) : undefined;
      const calledBefore = token ? await providerCalls(metricsUrl) : undefined;
      const { result, peak } = await measure(server, spec, child);
      if (calledBefore) {
        const called = difference(await providerCalls(metricsUrl), calledBefore);
        providerCallsPerRead[server.name] = called.calls > 0 ? called.provider / called.calls : 0;
      }
      if (before) {
        const during = difference(await counts(metricsUrl), before);
        noSql[server.name] = during.calls > 0 ? 1 - during.statements / during.calls : 0;
        cacheCounts.push({ variant: server.name, phase: "point", counts: during });
      }
      rows.push({ workload, variant: server.name, ...figures(result), rss_mb: peak });
    }
  } finally {
    await stop(child);
  }
  return rows;
}

function figures(result: LoadResult): LoadFigures {
  return {
    rps: Math.round(result.rps),
    p50_ms: result.p50,
    p99_ms: result.p99,
    errors: result.errors,
  };
}

/**
 * W2 cached alone, then again while `auth.signIn` runs at full load beside it (random bench
 * users with the right password, limits raised so none refuses): what a sign-in storm does to
 * everyone else. Hashes run on libuv's pool behind a bounded queue, off the event loop, so
 * W2's p99 should not much more than double.
 */
async function runStorm(server: Server, env: Record<string, string>) {
  const { child, base, metricsUrl } = await startServer(server, env);
  try {
    const spec = { base, workload: "W2" as const, connections: args.connections };
    await harness.load({ ...spec, connections: PRIME_CONNECTIONS, seconds: 0, sweep: true });
    say(`  ${server.name} W2 alone: ${args.warmup} s warm-up, ${args.duration} s load`);
    await signInReading(metricsUrl);
    const alone = await measure(server, spec, child);
    const before = await signInReading(metricsUrl);

    say(`  ${server.name} W2 again, beside auth.signIn at ${args.connections} connections`);
    // Well past the W2 point beside it, which stops it.
    const storm = harness.startLoad({
      base,
      workload: "sign-in",
      connections: args.connections,
      seconds: args.warmup + args.duration + 60,
    });
    // W2's warm-up starts once the api answers sign-ins, not while the generator boots.
    const deadline = Date.now() + 30_000;
    while ((await signInReading(metricsUrl)).total === before.total) {
      if (Date.now() > deadline) throw new Error("no sign-in of the storm reached the api");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const during = await measure(server, spec, child);
    const duringLagMs = (await signInReading(metricsUrl)).lagMs;
    const signIns = await storm.stop();
    const outcomes = difference((await signInReading(metricsUrl)).outcomes, before.outcomes);

    const rows: Row[] = [
      { workload: "W2", variant: server.name, ...figures(during.result), rss_mb: during.peak },
      { workload: "sign-in", variant: server.name, ...figures(signIns), rss_mb: during.peak },
    ];
    const result: StormFigures = {
      connections: args.connections,
      w2Alone: { ...figures(alone.result), loop_lag_p99_ms: before.lagMs },
      w2During: { ...figures(during.result), loop_lag_p99_ms: duringLagMs },
      signIns: figures(signIns),
      outcomes,
    };
    return { rows, storm: result };
  } finally {
    await stop(child);
  }
}

/** Every server must give the same answer, or the comparison means nothing. */
async function checkSameAnswers(servers: Server[], env: Record<string, string>) {
  const answers = new Map<string, string>();
  for (const server of servers) {
    const { child, base } = await startServer(server, { ...env, DB_POOL_WARM: "1" });
    try {
      const headers: Record<string, string> = server.signedIn
        ? { cookie: (await signInBenchUsers(base, 1))[0]! }
        : {};
      for (const p of [W1_PATH, w2Path(4242)]) {
        const workload: Workload = p === W1_PATH ? "W1" : "W2";
        if (!server.workloads.includes(workload)) continue;
        // Twice: a cached server answers the second time from its cache.
        for (let i = 0; i < 2; i++) {
          const body = await (await fetch(base + p, { headers })).text();
          const key = p.split("?")[0]!;
          const expected = answers.get(key);
          const same = server.sameJsonParsed
            ? expected === undefined ||
              JSON.stringify(JSON.parse(body)) === JSON.stringify(JSON.parse(expected))
            : expected === undefined || expected === body;
          if (expected === undefined && !server.sameJsonParsed) answers.set(key, body);
          if (!same) throw new Error(`${server.name} answers ${key} differently`);
        }
      }
    } finally {
      await stop(child);
    }
  }
}

/**
 * W3's servers one after another, with the provider simulator beside them (only when one of
 * them is chosen), at its default latency profiles.
 */
async function runReports(servers: Server[], env: Record<string, string>) {
  const simulator = await startSimulator(harness);
  try {
    const w3Env = {
      ...env,
      ...providersEnv(simulator.url, args.connections),
      PROVIDERS_URL: simulator.url,
    };
    const rows: Row[] = [];
    for (const server of servers) rows.push(...(await runServer(server, w3Env)));
    return rows;
  } finally {
    await stop(simulator.child);
  }
}

/** W1, brisk and naive, with every database round trip `--db-latency-ms` longer. */
async function runAtLatency(databaseUrl: string, env: Record<string, string>, servers: Server[]) {
  const url = new URL(databaseUrl);
  const relay = startLatencyRelay(
    { host: url.hostname, port: Number(url.port) },
    args["db-latency-ms"] / 2,
  );
  url.port = String(await relay.listen());
  const rows: LatencyRow[] = [];
  try {
    for (const server of servers) {
      const { child, base } = await startServer(server, { ...env, DATABASE_URL: url.toString() });
      try {
        for (const connections of [1, args.connections]) {
          say(`  ${server.name} W1, ${args["db-latency-ms"]} ms round trips, ${connections} conn`);
          const { result } = await measure(server, { base, workload: "W1", connections }, child);
          rows.push({
            variant: server.name,
            connections,
            rps: Math.round(result.rps * 10) / 10,
            p50_ms: result.p50,
            p99_ms: result.p99,
            errors: result.errors,
          });
        }
      } finally {
        await stop(child);
      }
    }
  } finally {
    await relay.close();
  }
  return rows;
}

/**
 * W4 against Brisk with its jobs on: the local executor beside the api, synced, and an admin
 * API key on every request. Once the load stops, the invitation emails are awaited in the
 * mailbox and timed against their invitations.
 */
async function runInvite(
  server: Server,
  env: Record<string, string>,
  databaseUrl: string,
  dashboardOrigin: string,
) {
  const executor = await startExecutor(harness, databaseUrl);
  try {
    const { child, base } = await startServer(server, { ...env, INNGEST_DEV: executor.url });
    try {
      await syncApi(base);
      const token = await adminApiKey(base, dashboardOrigin);
      const tag = runTag(server.name);
      say(`  ${server.name} W4: ${args.warmup} s warm-up, ${args.duration} s load`);
      const spec = { base, workload: "W4" as const, connections: args.connections };
      const { result, peak } = await measure(server, { ...spec, invite: { token, tag } }, child);
      say(`  ${server.name} W4: waiting up to ${DRAIN_DEADLINE_MS / 1000} s for the emails`);
      const mail = await measureInviteMail(databaseUrl, tag);
      if (mail.pendingAtDeadline > 0) {
        say(`  ${server.name} W4: ${mail.pendingAtDeadline} invitations still without an email`);
      }
      const row: Row = { workload: "W4", variant: server.name, ...figures(result), rss_mb: peak };
      // Paced on an empty queue only: behind the burst's leftovers it would time the backlog.
      if (mail.pendingAtDeadline > 0) return { row, mail, paced: null };
      say(`  ${server.name} W4 paced: ${PACED.rate} invitations/s for ${PACED.seconds} s`);
      const pacedTag = runTag(server.name);
      await harness.load({
        ...spec,
        connections: PACED.connections,
        seconds: PACED.seconds,
        rate: PACED.rate,
        invite: { token, tag: pacedTag },
      });
      return { row, mail, paced: await measurePacedMail(databaseUrl, pacedTag) };
    } finally {
      await stop(child);
    }
  } finally {
    await stop(executor.child);
  }
}

await harness.run(async () => {
  const started = Date.now();
  const databaseUrl = await harness.startDatabase();
  const redis = await harness.startRedis();
  await harness.buildApi();

  const env = {
    DATABASE_URL: databaseUrl,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    MIGRATE_ON_START: "false",
  };
  const node = process.execPath;
  const api = [node, "apps/api/dist/main.js"];
  const cached = {
    TELEMETRY: "on",
    CACHE: "on",
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
  };
  // The session cookie named as in production (`__Host-brisk_session`: the dashboard is on
  // HTTPS), and every rate limit raised so that none refuses the bench's sign-ins, which all
  // come from one address.
  const auth = {
    DASHBOARD_ORIGINS: "https://dashboard.bench.brisk.dev",
    RATE_LIMIT_MULTIPLIER: "100000",
  };
  const baseline = (file: string) => [node, "--import", tsx, `tooling/bench/src/servers/${file}`];
  const brisk: Server = {
    name: "brisk",
    command: api,
    env: { TELEMETRY: "on", CACHE: "off" },
    workloads: ["W1", "W2"],
  };
  const naive: Server = {
    name: "naive",
    command: baseline("naive.ts"),
    env: {},
    workloads: ["W1"],
  };
  const servers: Server[] = [
    brisk,
    {
      name: "brisk-traced",
      command: api,
      env: { TELEMETRY: "on", CACHE: "off", OTEL_TRACES_SAMPLER_ARG: "1" },
      workloads: ["W2"],
    },
    {
      name: "brisk-notel",
      command: api,
      env: { TELEMETRY: "off", CACHE: "off" },
      workloads: ["W1", "W2"],
    },
    {
      name: "brisk-cached",
      command: api,
      env: cached,
      workloads: ["W2"],
      scrape: true,
      prime: true,
    },
    {
      name: "brisk-cached-auth",
      command: api,
      env: { ...cached, ...auth },
      workloads: ["W2"],
      scrape: true,
      prime: true,
      signedIn: true,
    },
    {
      name: "brisk-cached-memory",
      command: api,
      env: { TELEMETRY: "on", CACHE: "on", API_INSTANCES: "single" },
      workloads: ["W2"],
      scrape: true,
      prime: true,
    },
    naive,
    { name: "ceiling", command: baseline("ceiling.ts"), env: {}, workloads: ["W1", "W2"] },
    {
      name: "ceiling-pgjson",
      command: baseline("ceiling-pgjson.ts"),
      env: {},
      workloads: ["W1", "W2"],
      sameJsonParsed: true,
    },
    {
      name: "ceiling-memory",
      command: baseline("ceiling-memory.ts"),
      env: {},
      workloads: ["W2"],
    },
  ];

  const storm: Server = {
    name: "brisk-cached-storm",
    command: api,
    env: { ...cached, ...auth },
    workloads: ["W2"],
  };
  // W4 writes: last, so that no other point reads a database it has grown. Brisk first: its
  // relay would send the outbox rows ceiling-invite leaves.
  const briskInvite: Server = {
    name: "brisk-invite",
    command: api,
    env: { TELEMETRY: "on", CACHE: "off", ...auth },
    workloads: ["W4"],
  };
  const ceilingInvite: Server = {
    name: "ceiling-invite",
    command: baseline("ceiling-invite.ts"),
    env: {},
    workloads: ["W4"],
  };
  // W3: the same api with the providers' cache off and on; for the warm one every W3 author's
  // snapshot is read once first, so the point reads cached answers.
  const reports: Server[] = [
    {
      name: "brisk-w3-cold",
      command: api,
      env: { ...cached, ...auth, PROVIDERS_CACHE: "off" },
      workloads: ["W3"],
      apiKeyFrom: auth.DASHBOARD_ORIGINS,
    },
    {
      name: "brisk-w3-warm",
      command: api,
      env: { ...cached, ...auth, PROVIDERS_CACHE: "on" },
      workloads: ["W3"],
      apiKeyFrom: auth.DASHBOARD_ORIGINS,
      prime: true,
      scrape: true,
    },
    { name: "sequential", command: baseline("sequential.ts"), env: {}, workloads: ["W3"] },
  ];
  const chosen = (server: Server) => !args.only || args.only.includes(server.name);
  const selected = servers.filter(chosen);

  await checkSameAnswers(chosen(storm) ? [...selected, storm] : selected, env);
  const rows: Row[] = [];
  for (const server of selected) rows.push(...(await runServer(server, env)));
  const stormed = chosen(storm) ? await runStorm(storm, env) : undefined;
  if (stormed) rows.push(...stormed.rows);
  const slow = [brisk, naive].filter(chosen);
  const latency =
    args["db-latency-ms"] > 0 && slow.length > 0 ? await runAtLatency(databaseUrl, env, slow) : [];
  const w3Servers = reports.filter(chosen);
  if (w3Servers.length > 0) rows.push(...(await runReports(w3Servers, env)));
  const w3: W3Figures | undefined =
    w3Servers.length > 0
      ? {
          connections: args.connections,
          slowestMs: SLOWEST_MS,
          boundRps: Math.round((args.connections / (SLOWEST_MS / 1000)) * 10) / 10,
          providerCallsPerRead,
        }
      : undefined;
  const invited = chosen(briskInvite)
    ? await runInvite(briskInvite, env, databaseUrl, auth.DASHBOARD_ORIGINS)
    : undefined;
  if (invited) rows.push(invited.row);
  if (chosen(ceilingInvite)) rows.push(...(await runServer(ceilingInvite, env)));
  const invite: InviteFigures | undefined = invited && {
    ...invited.mail,
    deadlineS: DRAIN_DEADLINE_MS / 1000,
    paced: invited.paced,
  };

  const transformers = await measureTransformers(databaseUrl);
  await writeReport({
    root,
    rows,
    latency,
    cacheCounts,
    noSql,
    transformers,
    storm: stormed?.storm,
    invite,
    w3,
    jsonFile: args.json,
    args,
  });
  say(`bench: done in ${Math.round((Date.now() - started) / 1000)} s`);
});
