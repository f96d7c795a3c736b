/** The benchmark's requests (docs/PERFORMANCE.md), shared by the load generator and the answer check. */
export type Workload = "W1" | "W2" | "W3" | "W4" | "sign-in";

/** The servers the workloads run against: Brisk's variants and the baselines. */
export const VARIANTS = [
  "brisk",
  "brisk-traced",
  "brisk-notel",
  "brisk-cached",
  "brisk-cached-memory",
  "brisk-cached-auth",
  "brisk-cached-storm",
  "naive",
  "ceiling",
  "ceiling-pgjson",
  "ceiling-memory",
  "brisk-invite",
  "ceiling-invite",
  "brisk-w3-cold",
  "brisk-w3-warm",
  "sequential",
] as const;
export type Variant = (typeof VARIANTS)[number];

export const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export const W1_PATH = `/trpc/users.list?input=${input({ limit: 100, postsPerUser: 10 })}`;

export const w2Path = (id: number) => `/trpc/users.byId?input=${input({ id })}`;

/** Several W2 reads in one tRPC batch request (the request's loader makes them one query). */
export function w2BatchPath(ids: number[]) {
  const inputs = Object.fromEntries(ids.map((id, i) => [i, { id }]));
  return `/trpc/${ids.map(() => "users.byId").join(",")}?batch=1&input=${input(inputs)}`;
}

/**
 * W3 reads the first this many bench users' reports: few enough that the warm variant's
 * priming (one snapshot per author, each as slow as the slowest provider) takes seconds.
 */
export const W3_AUTHORS = 1_000;

/** W3: an author's numbers from our database and the five providers (the last 30 days). */
export const w3Path = (authorId: number) => `/trpc/reports.snapshot?input=${input({ authorId })}`;

/** A tRPC mutation over HTTP: POST, the input as the JSON body. */
export const SIGN_IN_PATH = "/trpc/auth.signIn";

/** W4: an admin invites a member (insert, answer, the invitation email through the outbox). */
export const INVITE_PATH = "/trpc/users.invite";

/**
 * W4's invitee number `n` of one load run: `tag` names the run (variant and phase), so that
 * every email is new and the bench can find the run's invitations again.
 */
export const inviteEmail = (tag: string, n: number) => `w4-${tag}-${n}@bench.brisk.dev`;

/** The seed's benchmark users (user n has id n), all with the password BENCH_PASSWORD. */
export const benchEmail = (n: number) => `user${String(n).padStart(5, "0")}@bench.brisk.dev`;
