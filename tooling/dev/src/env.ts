import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const schema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  API_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  WEB_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  // The local Inngest executor; Inngest's dev server port, so INNGEST_DEV reads as usual.
  EXECUTOR_PORT: z.coerce.number().int().min(1).max(65_535).default(8288),
  // The provider simulator (tooling/provider-simulator): the five external providers' stand-in.
  PROVIDERS_PORT: z.coerce.number().int().min(1).max(65_535).default(8290),
  BRISK_DATA_DIR: z.string().default(path.join(root, ".data")),
  // Passed through to the api and the dashboard, which validate them; read here to say so.
  UPSTASH_REDIS_REST_URL: z.url().optional(),
});

export function loadDevEnv() {
  const env = schema.parse(process.env);
  return { ...env, dataDir: path.join(env.BRISK_DATA_DIR, "postgres") };
}
