import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "@brisk/db/embedded";

const HAPROXY = "/usr/sbin/haproxy";
const INSTALL = "apt-get update && apt-get install -y --no-install-recommends haproxy";

/** Debian's HAProxy, installed on first use as root; otherwise the command that installs it. */
export function ensureHaproxy() {
  if (existsSync(HAPROXY)) return HAPROXY;
  if (process.getuid?.() !== 0) {
    throw new Error(`haproxy is missing. Install it with: sudo sh -c '${INSTALL}'`);
  }
  execFileSync(
    "env",
    [
      "DEBIAN_FRONTEND=noninteractive",
      "flock",
      path.join(os.tmpdir(), "brisk-haproxy-install.lock"),
      "sh",
      "-c",
      `test -x ${HAPROXY} || (${INSTALL})`,
    ],
    { stdio: "inherit" },
  );
  if (!existsSync(HAPROXY)) throw new Error(`apt-get did not install ${HAPROXY}`);
  return HAPROXY;
}

export interface Backend {
  name: string;
  port: number;
}

/**
 * The balancer's configuration, as docs/OPERATIONS.md recommends it in front of api
 * instances:
 * - health from `/readyz` every 500 ms: an instance that is warming up, draining or gone
 *   leaves the rotation after two failed checks (a database outage does not fail them: see
 *   apps/api's `createReadiness`); a check may take 2 s, because a loaded instance answers
 *   late, and a late answer is not a dead instance;
 * - `retry-on conn-failure empty-response` with `redispatch`: a request that meets an
 *   instance that has just stopped accepting (connection refused) or closed an idle
 *   keep-alive connection as it drains (no response at all) is sent to another instance.
 *   Both mean the instance never began the request, so even a POST is safe to resend; a
 *   request that timed out is not retried, because it may have run;
 * - the request buffered before it is forwarded, which is what lets a POST be resent;
 * - server and client timeouts above tRPC's 15 s SSE ping, so progress streams stay open;
 *   the api's own keep-alive (65 s) outlasts the balancer's (60 s), so the balancer is the
 *   side that closes an idle connection, never the instance under it;
 * - with no instance in rotation, the balancer's own 503 says what the api's do: JSON, and
 *   when to try again.
 */
export function haproxyConfig(options: {
  port: number;
  statsPort: number;
  backends: Backend[];
  unavailableFile: string;
}) {
  return `global
  maxconn 4096

defaults
  mode http
  option httplog
  timeout connect 2s
  timeout client 65s
  timeout server 65s
  timeout http-keep-alive 60s
  timeout http-request 10s
  option http-buffer-request
  option redispatch 1
  retries 3
  retry-on conn-failure empty-response
  errorfile 503 ${options.unavailableFile}

frontend api
  bind 127.0.0.1:${options.port}
  option forwardfor
  default_backend apis

backend apis
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  timeout check 2s
  default-server inter 500ms fastinter 250ms fall 2 rise 2
${options.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join("\n")}

frontend stats
  bind 127.0.0.1:${options.statsPort}
  stats enable
  stats uri /stats
`;
}

const UNAVAILABLE_BODY = JSON.stringify({
  error: { message: "No api instance is available. Retry shortly.", code: -32603 },
});
const UNAVAILABLE = [
  "HTTP/1.1 503 Service Unavailable",
  "content-type: application/json",
  "retry-after: 2",
  "cache-control: no-store",
  "connection: close",
  `content-length: ${Buffer.byteLength(UNAVAILABLE_BODY)}`,
  "",
  UNAVAILABLE_BODY,
].join("\r\n");

/**
 * HAProxy in front of `backends`, in the foreground, on `port` (a free one when absent).
 * `output()` keeps its last lines (servers going up and down) for failure messages.
 */
export async function startBalancer(options: { backends: Backend[]; port?: number }) {
  const binary = ensureHaproxy();
  const dir = await mkdtemp(path.join(os.tmpdir(), "brisk-haproxy-"));
  const port = options.port ?? (await freePort());
  const statsPort = await freePort();
  const config = path.join(dir, "haproxy.cfg");
  const unavailableFile = path.join(dir, "503.http");
  await writeFile(unavailableFile, UNAVAILABLE);
  await writeFile(
    config,
    haproxyConfig({ port, statsPort, backends: options.backends, unavailableFile }),
  );
  const child = spawn(binary, ["-db", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  /** Each server's state as HAProxy's health checks see it: UP, DOWN, … */
  async function states(): Promise<Record<string, string>> {
    const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
    const [header, ...rows] = (await res.text()).replace(/^# /, "").trim().split("\n");
    const columns = header!.split(",");
    const at = (name: string) => columns.indexOf(name);
    return Object.fromEntries(
      rows
        .map((row) => row.split(","))
        .filter((cells) => cells[at("pxname")] === "apis" && cells[at("svname")] !== "BACKEND")
        .map((cells) => [cells[at("svname")]!, cells[at("status")]!]),
    );
  }

  return {
    url: `http://127.0.0.1:${port}`,
    output: () => log,
    states,
    /** Waits until HAProxy's checks put `name` in the rotation (UP) or out of it (DOWN). */
    async until(name: string, state: "UP" | "DOWN", timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`haproxy exited:\n${log}`);
        const now = await states().catch(() => ({}) as Record<string, string>);
        if (now[name]?.startsWith(state)) return;
        if (Date.now() > deadline) {
          throw new Error(`HAProxy did not see ${name} ${state} in time:\n${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Balancer = Awaited<ReturnType<typeof startBalancer>>;
