import { mulberry32 } from "@brisk/db/seed";
import autocannon from "autocannon";
import { z } from "zod";
import { W1_PATH, type Workload, w2BatchPath, w2Path } from "./workloads";

/**
 * One load run, in a process of its own so the generator never shares an event loop with
 * the runner. Input: a JSON argument; output: one JSON line on stdout.
 */
const spec = z
  .object({
    base: z.url(),
    workload: z.enum(["W1", "W2"] satisfies Workload[]),
    connections: z.number().int().min(1),
    seconds: z.number().min(0),
    users: z.number().int().min(1),
    // W2 once for every id, in batches: fills a cache so that the measured run reads hot keys.
    sweep: z.boolean().default(false),
  })
  .parse(JSON.parse(process.argv[2] ?? "{}"));

const SWEEP_BATCH = 50;
const rand = mulberry32(42);
let next = 1;
function sweepPath() {
  const ids = Array.from({ length: SWEEP_BATCH }, (_, i) => next + i).filter(
    (id) => id <= spec.users,
  );
  next += SWEEP_BATCH;
  return w2BatchPath(ids);
}
const path =
  spec.workload === "W1"
    ? () => W1_PATH
    : spec.sweep
      ? sweepPath
      : () => w2Path(1 + Math.floor(rand() * spec.users));

const result = await autocannon({
  url: spec.base,
  connections: spec.connections,
  ...(spec.sweep ? { amount: Math.ceil(spec.users / SWEEP_BATCH) } : { duration: spec.seconds }),
  requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: path() }) }],
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);
