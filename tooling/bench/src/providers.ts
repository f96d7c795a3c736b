import type { ChildProcess } from "node:child_process";
import { freePort } from "@brisk/db/embedded";
import { DEFAULT_LATENCY_MS, PROVIDERS } from "@brisk/provider-simulator";
import { type createHarness, root, stop, tsx } from "./harness";
import { w3Path } from "./workloads";

/**
 * What W3 needs besides load: the provider simulator (its CLI, the default latency
 * profiles), the api's settings that point at it, and a check that a snapshot has all five
 * providers' parts before anything is measured.
 */

/** The slowest provider's typical latency: W3's floor, and the upstream bound's divisor. */
export const SLOWEST_MS = Math.max(...Object.values(DEFAULT_LATENCY_MS));

/** The simulator as `pnpm providers` runs it, on a free port; resolves once it answers /health. */
export async function startSimulator(
  harness: ReturnType<typeof createHarness>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = harness.spawn(
    process.execPath,
    ["--import", tsx, "tooling/provider-simulator/src/cli.ts", "--port", String(port)],
    { cwd: root, env: { ...process.env }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the simulator exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop(child);
  throw new Error("the provider simulator did not answer /health");
}

/**
 * The api's provider settings for the simulator at `url`: its keys are the defaults. As many
 * sockets per provider as the bench has connections (at least the default 32), so that the
 * bulkhead never queues W3 and the upstream bound holds.
 */
export function providersEnv(url: string, connections: number): Record<string, string> {
  return {
    ...Object.fromEntries(
      PROVIDERS.map((name) => [`PROVIDER_${name.toUpperCase()}_URL`, `${url}/${name}`]),
    ),
    PROVIDERS_CONCURRENCY: String(Math.max(32, connections)),
  };
}

/** One snapshot, before the load: every provider's part must be `ok`, or W3 measures failures. */
export async function checkSnapshot(base: string, token: string | undefined) {
  const response = await fetch(base + w3Path(1), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new Error(`W3 check: HTTP ${response.status} ${await response.text()}`);
  const { result } = (await response.json()) as {
    result: { data: { providers: Record<string, { status?: string }> } };
  };
  const parts = Object.entries(result.data.providers);
  if (parts.length !== PROVIDERS.length) throw new Error("W3 check: not five providers' parts");
  for (const [name, part] of parts) {
    // The sequential baseline passes the providers' bodies through: no status, no failure.
    if (part.status !== undefined && part.status !== "ok") {
      throw new Error(`W3 check: ${name} answered ${part.status}`);
    }
  }
}
