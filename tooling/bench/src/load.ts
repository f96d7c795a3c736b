import { BENCH_PASSWORD, mulberry32 } from "@brisk/db/seed";
import autocannon from "autocannon";
import { z } from "zod";
import {
  benchEmail,
  INVITE_PATH,
  inviteEmail,
  SIGN_IN_PATH,
  W1_PATH,
  W3_AUTHORS,
  type Workload,
  w2BatchPath,
  w2Path,
  w3Path,
} from "./workloads";

/**
 * One load run, in a process of its own so the generator never shares an event loop with
 * the runner. Input: a JSON argument; output: one JSON line on stdout, when `seconds` are up
 * or, sooner, on SIGTERM (load that runs beside another measurement until it is done).
 */
const spec = z
  .object({
    base: z.url(),
    workload: z.enum(["W1", "W2", "W3", "W4", "sign-in"] satisfies Workload[]),
    connections: z.number().int().min(1),
    seconds: z.number().min(0),
    users: z.number().int().min(1),
    // W2 once for every id, in batches (W3: once for each of its authors, one per request):
    // fills a cache so that the measured run reads hot keys.
    sweep: z.boolean().default(false),
    // Cookie headers, one per connection: each simulated client sends its own session.
    cookies: z.array(z.string().min(1)).default([]),
    // W4: the tag that makes every email new, and the admin API key sent as a bearer token
    // (none to a baseline that checks no key).
    invite: z.object({ tag: z.string().min(1), token: z.string().min(1).optional() }).optional(),
    // W3: an admin API key, sent as a bearer token (none to a baseline that checks no key).
    token: z.string().min(1).optional(),
    // Requests per second across all connections (a paced point); as fast as answered if absent.
    rate: z.number().int().min(1).optional(),
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
const randomUser = () => 1 + Math.floor(rand() * spec.users);
// W3: a random one of its authors; in the sweep each of them once, in order.
let swept = 0;
const w3Author = () =>
  spec.sweep ? 1 + (swept++ % W3_AUTHORS) : 1 + Math.floor(rand() * W3_AUTHORS);
const path =
  spec.workload === "W1"
    ? () => W1_PATH
    : spec.workload === "W3"
      ? () => w3Path(w3Author())
      : spec.sweep
        ? sweepPath
        : () => w2Path(randomUser());

// A random bench user signing in with the right password: every attempt succeeds (or is
// refused for load), none counts as a failure.
const signIn: autocannon.Request = {
  method: "POST",
  path: SIGN_IN_PATH,
  headers: { "content-type": "application/json" },
  setupRequest: (req) => ({
    ...req,
    body: JSON.stringify({ email: benchEmail(randomUser()), password: BENCH_PASSWORD }),
  }),
};
// An admin inviting a new member each time: a fresh email per request, numbered in this run.
let invited = 0;
const invite = (options: { tag: string; token?: string | undefined }): autocannon.Request => ({
  method: "POST",
  path: INVITE_PATH,
  headers: {
    "content-type": "application/json",
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  },
  setupRequest: (req) => {
    invited += 1;
    return {
      ...req,
      body: JSON.stringify({ name: `W4 ${invited}`, email: inviteEmail(options.tag, invited) }),
    };
  },
});
const read: autocannon.Request = {
  method: "GET",
  ...(spec.token ? { headers: { authorization: `Bearer ${spec.token}` } } : {}),
  setupRequest: (req) => ({ ...req, path: path() }),
};

function request(): autocannon.Request {
  if (spec.workload === "sign-in") return signIn;
  if (spec.workload !== "W4") return read;
  if (!spec.invite) throw new Error("W4 needs a tag for its invitees' emails");
  return invite(spec.invite);
}

let connection = 0;
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const run = autocannon(
    {
      url: spec.base,
      connections: spec.connections,
      ...(spec.sweep
        ? { amount: spec.workload === "W3" ? W3_AUTHORS : Math.ceil(spec.users / SWEEP_BATCH) }
        : { duration: spec.seconds }),
      requests: [request()],
      ...(spec.rate ? { overallRate: spec.rate } : {}),
      ...(spec.cookies.length > 0
        ? {
            setupClient: (client: autocannon.Client) =>
              client.setHeaders({ cookie: spec.cookies[connection++ % spec.cookies.length] }),
          }
        : {}),
    },
    (error, done) => (error ? reject(error) : resolve(done)),
  );
  process.once("SIGTERM", () => run.stop());
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  })}\n`,
);
