import { Worker } from "node:worker_threads";
import type { ScryptParams } from "@brisk/db";

/**
 * How far below the event loop a hashing thread runs (Linux nice, 0 to 19). At 10 the
 * scheduler gives it about a tenth of a core the loop also wants: a storm of sign-ins takes
 * what the reads leave rather than an equal share, and still runs at full speed on an idle
 * core (docs/PERFORMANCE.md, "Hashing off the loop").
 */
const NICE = 10;

// Evaluated rather than loaded from a file: neither apps/api's bundle nor the dashboard's
// Next build ships a worker file, and an eval'd worker needs none. The thread lowers its own
// priority; Linux names a thread by /proc/thread-self, elsewhere it keeps the process's.
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
try {
  const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  require("node:os").setPriority(tid, ${NICE});
} catch {}
parentPort.on("message", ({ password, salt, keyLength, options }) => {
  try {
    parentPort.postMessage({ key: scryptSync(password, salt, keyLength, options) });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

export interface ScryptJob {
  password: string;
  salt: string;
  keyLength: number;
  options: ScryptParams & { maxmem: number };
}

interface Thread {
  worker: Worker;
  job: { resolve(key: Buffer): void; reject(error: Error): void } | undefined;
}

/**
 * Up to `size` threads that run scrypt, one job each at a time. The caller bounds how many
 * jobs it gives at once (the hasher's bulkhead), so a job always finds an idle thread or room
 * to start one. Threads start on first use and never keep the process alive.
 */
export function createHashThreads(size: number) {
  const threads = new Set<Thread>();
  const idle: Thread[] = [];

  function start(): Thread {
    const thread: Thread = {
      worker: new Worker(SOURCE, { eval: true, name: "brisk-hash" }),
      job: undefined,
    };
    const settle = () => {
      const job = thread.job;
      thread.job = undefined;
      return job;
    };
    thread.worker.unref();
    thread.worker.on("message", (answer: { key?: Uint8Array; error?: string }) => {
      const job = settle();
      idle.push(thread);
      if (answer.key) {
        job?.resolve(Buffer.from(answer.key.buffer, answer.key.byteOffset, answer.key.byteLength));
      } else {
        job?.reject(new Error(answer.error ?? "scrypt failed"));
      }
    });
    // A thread that dies fails only its own job ("exit" follows "error"); the next job
    // starts another thread.
    thread.worker.on("error", () => {});
    thread.worker.on("exit", () => {
      threads.delete(thread);
      const at = idle.indexOf(thread);
      if (at >= 0) idle.splice(at, 1);
      settle()?.reject(new Error("The hashing thread stopped"));
    });
    threads.add(thread);
    return thread;
  }

  return {
    run(job: ScryptJob): Promise<Buffer> {
      const thread = idle.pop() ?? (threads.size < size ? start() : undefined);
      if (!thread) return Promise.reject(new Error("Every hashing thread is busy"));
      return new Promise((resolve, reject) => {
        thread.job = { resolve, reject };
        thread.worker.postMessage(job);
      });
    },
    async close() {
      await Promise.all([...threads].map((thread) => thread.worker.terminate()));
    },
  };
}
