import { dbPoolEnv } from "@brisk/db";
import { z } from "zod";

/** Environment of the baseline servers (`naive`, `ceiling`), set by the bench runner. */
export function loadServerEnv() {
  return z
    .object({
      PORT: z.coerce.number().int().min(1).max(65_535),
      DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    })
    .extend(dbPoolEnv.shape)
    .parse(process.env);
}

/** Environment of the `sequential` baseline: its port and the provider simulator's address. */
export function loadSequentialEnv() {
  return z
    .object({
      PORT: z.coerce.number().int().min(1).max(65_535),
      PROVIDERS_URL: z.url({ protocol: /^http$/ }),
      // Sockets per provider: the api's PROVIDERS_CONCURRENCY, which the bench sets alike.
      PROVIDERS_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
    })
    .parse(process.env);
}
