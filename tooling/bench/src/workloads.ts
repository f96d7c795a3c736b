/** PRODUCT.md's benchmark requests, shared by the load generator and the answer check. */
export type Workload = "W1" | "W2";

export const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export const W1_PATH = `/trpc/users.list?input=${input({ limit: 100, postsPerUser: 10 })}`;

export const w2Path = (id: number) => `/trpc/users.byId?input=${input({ id })}`;
