/** PRODUCT.md's benchmark requests, shared by the load generator and the answer check. */
export const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export const W1_PATH = `/trpc/users.list?input=${input({ limit: 100, postsPerUser: 10 })}`;

export const w2Path = (id: number) => `/trpc/users.byId?input=${input({ id })}`;

/** A seeded generator, so every run asks for the same sequence of random ids. */
export function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
