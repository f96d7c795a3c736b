/** The benchmark's requests (docs/PERFORMANCE.md), shared by the load generator and the answer check. */
export type Workload = "W1" | "W2";

export const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export const W1_PATH = `/trpc/users.list?input=${input({ limit: 100, postsPerUser: 10 })}`;

export const w2Path = (id: number) => `/trpc/users.byId?input=${input({ id })}`;

/** Several W2 reads in one tRPC batch request (the request's loader makes them one query). */
export function w2BatchPath(ids: number[]) {
  const inputs = Object.fromEntries(ids.map((id, i) => [i, { id }]));
  return `/trpc/${ids.map(() => "users.byId").join(",")}?batch=1&input=${input(inputs)}`;
}
