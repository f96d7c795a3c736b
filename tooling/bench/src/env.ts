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
