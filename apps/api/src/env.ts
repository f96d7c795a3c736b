import { dbPoolEnv } from "@brisk/db";
import { z } from "zod";

/** The only place apps/api reads process.env: everything else receives typed values. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    // Prometheus metrics listen apart from the api; keep this port off the public ingress.
    METRICS_HOST: z.string().default("127.0.0.1"),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    // Tracing and per-call metrics; `off` exists to measure what they cost (pnpm bench).
    TELEMETRY: z.enum(["on", "off"]).default("on"),
    OTEL_SERVICE_NAME: z.string().min(1).max(100).default("brisk-api"),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
    // Traces at least this slow are kept in memory for the Ops page.
    SLOW_TRACE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    // Two-tier cache. `off` exists to measure the uncached path (pnpm bench).
    CACHE: z.enum(["on", "off"]).default("on"),
    // Tier 2 (Redis over Upstash's REST protocol) is on when both are set; tier 1 alone if not.
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    // How long an instance may answer from memory after another instance's write.
    CACHE_MAX_STALE_MS: z.coerce.number().int().min(250).max(60_000).default(5_000),
    CACHE_MEMORY_MAX_ENTRIES: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
    CACHE_MEMORY_MAX_MB: z.coerce.number().int().min(1).max(4_096).default(64),
    CACHE_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(75),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    MIGRATE_ON_START: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
  })
  .extend(dbPoolEnv.shape)
  .refine((env) => !env.UPSTASH_REDIS_REST_URL === !env.UPSTASH_REDIS_REST_TOKEN, {
    message: "Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN together",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  });

export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([key, messages]) => `  ${key}: ${messages?.join(", ")}`)
      .join("\n");
    throw new Error(`Invalid environment for apps/api:\n${problems}`);
  }
  return parsed.data;
}
