import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Its last output, for failure messages. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends `signal` to its whole process group (pnpm's children too) and waits for the exit. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
  /**
   * SIGTERM, SIGKILL if it is still running after `graceMs`; then whatever of its group
   * outlived it (`next start` leaves its next-server behind when it exits first).
   */
  stop(graceMs?: number): Promise<void>;
  running(): boolean;
}

/**
 * A real server process (an app, the executor, HAProxy) for tests, in a process group of its
 * own so that a kill reaches what it started, with its last output kept for failure messages.
 */
export function startProc(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-30_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = async (name: NodeJS.Signals) => {
    if (running()) {
      try {
        process.kill(-child.pid!, name);
      } catch {}
    }
    return exited;
  };
  return {
    name,
    child,
    output: () => log,
    exited,
    running,
    signal,
    async stop(graceMs = 10_000) {
      const kill = setTimeout(() => void signal("SIGKILL"), graceMs);
      await signal("SIGTERM");
      clearTimeout(kill);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    },
  };
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` at the deadline. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; everyMs?: number; context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} in time${options.context ? `:\n${options.context()}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 100));
  }
}

/** Waits until GET `url` answers 2xx, failing early (with its output) if `proc` exits. */
export async function untilOk(url: string, proc: Proc, timeoutMs = 60_000) {
  const outcome = await until(
    `${proc.name} answering ${url}`,
    async () => {
      if (!proc.running()) return "exited";
      const res = await fetch(url);
      await res.body?.cancel();
      return res.ok ? "ok" : undefined;
    },
    { timeoutMs, everyMs: 200, context: proc.output },
  );
  if (outcome === "exited") throw new Error(`${proc.name} exited:\n${proc.output()}`);
}

const handedOut = new Set<number>();

/**
 * A port for a server a test starts a moment later, outside Linux's ephemeral range
 * (32768–60999): a port the kernel once reported free can be taken by an outgoing connection
 * before the server binds it, and the fault suite opens thousands (one soak lost an api to
 * EADDRINUSE that way). Never the same port twice in one process.
 */
export async function freeListenPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
