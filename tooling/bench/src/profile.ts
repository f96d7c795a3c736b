import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@brisk/db/embedded";
import { type CpuProfile, summarise } from "./cpuprofile";
import { ms, percent, renderFlameGraph } from "./flamegraph";
import { createHarness, root, say, stop, waitReady } from "./harness";
import type { Workload } from "./workloads";

/**
 * `pnpm profile`: the built api under V8's CPU profiler, driven by the bench's W1 and W2 load
 * on the bench's dataset, then stopped with SIGTERM so V8 writes its `.cpuprofile`. Writes a
 * flame graph (`.html`) next to each profile and prints where the time went.
 */
const SECONDS = 5;
const CONNECTIONS = 32;
const harness = createHarness({ name: "profile", limitMs: 240_000 });

function report(file: string, profile: CpuProfile) {
  const summary = summarise(profile, root);
  const idle = summary.packages.find((p) => p.pkg === "(idle)")?.selfUs ?? 0;
  const busy = summary.totalUs - idle;
  const pad = (text: string, width: number) => text.padEnd(width).slice(0, width);
  const lines = [
    `${path.basename(file)}: ${ms(summary.totalUs)} ms, ${percent(busy, summary.totalUs)} % busy`,
    "",
    "top functions by self time                 self ms  % total  % busy  file:line",
    ...summary.functions
      .slice(0, 15)
      .map(
        (f) =>
          `  ${pad(f.name, 40)} ${ms(f.selfUs).padStart(7)} ${percent(f.selfUs, summary.totalUs).padStart(8)} ` +
          `${f.pkg === "(idle)" ? "".padStart(7) : percent(f.selfUs, busy).padStart(7)}  ${f.location || f.pkg}`,
      ),
    "",
    "packages by self time                      self ms  % total  % busy",
    ...summary.packages
      .slice(0, 15)
      .map(
        (p) =>
          `  ${pad(p.pkg, 40)} ${ms(p.selfUs).padStart(7)} ${percent(p.selfUs, summary.totalUs).padStart(8)} ` +
          `${p.pkg === "(idle)" ? "" : percent(p.selfUs, busy).padStart(7)}`,
      ),
    "",
  ];
  return { summary, text: lines.join("\n") };
}

await harness.run(async () => {
  const databaseUrl = await harness.startDatabase();
  await harness.buildApi();

  const dir = path.join(root, ".data/profiles", new Date().toISOString().replace(/[:.]/g, "-"));
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = harness.spawn(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, "apps/api/dist/main.js"],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        MIGRATE_ON_START: "false",
        METRICS_PORT: "0",
        // The uncached path: with the cache on, W1 would be a map lookup.
        CACHE: "off",
        PORT: String(port),
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitReady(base, api);
  for (const workload of ["W1", "W2"] satisfies Workload[]) {
    const result = await harness.load({
      base,
      workload,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    say(
      `  ${workload}: ${SECONDS} s at ${CONNECTIONS} connections, ${Math.round(result.rps)} req/s, ` +
        `p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors`,
    );
  }
  const code = await stop(api);
  if (code !== 0) throw new Error(`api exited with ${code} instead of 0 on SIGTERM`);

  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), "utf8")) as CpuProfile;
    const { summary, text } = report(file, profile);
    const html = path.join(dir, file.replace(/\.cpuprofile$/, ".html"));
    await writeFile(html, renderFlameGraph(summary, `apps/api under W1 + W2: ${file}`));
    process.stdout.write(`\n${text}`);
  }
  process.stdout.write(`\nprofile: ${path.relative(root, dir)}/ (.cpuprofile and .html)\n`);
});
