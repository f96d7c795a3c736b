import { Worker } from "node:worker_threads";
import { type Aggregated, aggregatePosts, type PostFacts } from "./aggregate";

// Evaluated rather than loaded from a file, as the password hasher's threads are: apps/api's
// bundle ships no worker file (piscina needs one to load), and the aggregation is one pure
// function whose source the thread evaluates.
// A transpiler that keeps function names (tsx, esbuild's keepNames) wraps inner functions in
// its \`__name\` helper, which the thread does not have: names are all it sets, so a no-op.
const SOURCE = `
var __name = (target) => target;
const { parentPort } = require("node:worker_threads");
const aggregate = (${aggregatePosts.toString()});
parentPort.on("message", ({ posts, range, perAuthor }) => {
  try {
    parentPort.postMessage({ value: aggregate(posts, range, perAuthor) });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

interface Job {
  input: { posts: PostFacts[]; range: { from: string; to: string }; perAuthor: boolean };
  resolve(value: Aggregated): void;
  reject(error: Error): void;
}

/** Runs report aggregations on up to `size` threads; the rest wait their turn in order. */
export function createAggregator(size: number) {
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const waiting: Job[] = [];

  function start() {
    const worker = new Worker(SOURCE, { eval: true, name: "brisk-aggregate" });
    worker.unref();
    worker.on("message", (answer: { value?: Aggregated; error?: string }) => {
      const job = busy.get(worker);
      busy.delete(worker);
      if (answer.error !== undefined) job?.reject(new Error(answer.error));
      else job?.resolve(answer.value!);
      next(worker);
    });
    worker.on("error", () => {});
    worker.on("exit", () => {
      busy.get(worker)?.reject(new Error("The aggregation thread stopped"));
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
    });
    return worker;
  }

  function next(worker: Worker) {
    const job = waiting.shift();
    if (!job) {
      idle.push(worker);
      return;
    }
    busy.set(worker, job);
    worker.postMessage(job.input);
  }

  return {
    run(posts: PostFacts[], range: { from: string; to: string }, perAuthor: boolean) {
      return new Promise<Aggregated>((resolve, reject) => {
        waiting.push({ input: { posts, range, perAuthor }, resolve, reject });
        const worker = idle.pop() ?? (busy.size < size ? start() : undefined);
        if (worker) next(worker);
      });
    },
    async close() {
      const workers = [...idle, ...busy.keys()];
      idle.length = 0;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

export type Aggregator = ReturnType<typeof createAggregator>;
