import { dbPoolEnv } from "@brisk/db";
import { z } from "zod";

/**
 * The only place apps/web reads process.env. Validation is lazy: nothing here runs at import
 * time, so `next build` succeeds without DATABASE_URL. Pages that need the database are
 * dynamic and call serverEnv() while answering a request.
 */

const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

const baseSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: logLevel,
  /** Where apps/api listens; browsers reach it through the same-origin /trpc route. */
  API_URL: z
    .url({ protocol: /^https?$/ })
    .default("http://127.0.0.1:3001")
    .transform((url) => url.replace(/\/+$/, "")),
});

export const serverEnvSchema = baseSchema
  .extend({
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    // The api's Redis tier, shared: server renders read what the api cached.
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    CACHE_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(75),
  })
  .extend(dbPoolEnv.shape)
  .refine((env) => !env.UPSTASH_REDIS_REST_URL === !env.UPSTASH_REDIS_REST_TOKEN, {
    message: "Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN together",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  });

export type ServerEnv = z.infer<typeof serverEnvSchema>;

const telemetrySchema = z.object({
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default("brisk-web"),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

/** Read once by src/server/tracing.ts when the server process starts. */
export function telemetryEnv(source: Record<string, string | undefined> = process.env) {
  return parse(telemetrySchema, source);
}
export type BaseEnv = z.infer<typeof baseSchema>;

type Source = Record<string, string | undefined>;

function parse<T extends z.ZodType>(schema: T, source: Source): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([key, messages]) => `  ${key}: ${(messages as string[] | undefined)?.join(", ")}`)
      .join("\n");
    throw new Error(`Invalid environment for apps/web:\n${problems}`);
  }
  return parsed.data;
}

let cachedServer: ServerEnv | undefined;
let cachedBase: BaseEnv | undefined;

/** Everything the server needs at request time, DATABASE_URL included. Throws when invalid. */
export function serverEnv(source: Source = process.env): ServerEnv {
  if (source !== process.env) return parse(serverEnvSchema, source);
  cachedServer ??= parse(serverEnvSchema, process.env);
  return cachedServer;
}

/** The settings that never need the database: safe at build time and in next.config.ts. */
export function baseEnv(source: Source = process.env): BaseEnv {
  if (source !== process.env) return parse(baseSchema, source);
  cachedBase ??= parse(baseSchema, process.env);
  return cachedBase;
}
