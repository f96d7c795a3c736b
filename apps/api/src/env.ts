import { dbPoolEnv } from "@brisk/db";
import {
  authEnv,
  cacheEnv,
  jobsEnv,
  logEnv,
  mediaEnv,
  nodeEnv,
  otelEnv,
  parseEnv,
  providersEnv,
  redisEnv,
  replicaEnv,
  requestEnv,
  requireInngestPair,
  requireRedisPair,
  requireS3Settings,
} from "@brisk/trpc/env";
import { z } from "zod";
import { DEFAULT_HTTP_LIMITS as limits } from "./http/limits";

const variables = requireRedisPair(
  z.object({
    ...nodeEnv.shape,
    ...logEnv.shape,
    ...dbPoolEnv.shape,
    ...replicaEnv.shape,
    ...requestEnv.shape,
    ...cacheEnv.shape,
    ...redisEnv.shape,
    ...otelEnv("brisk-api").shape,
    ...authEnv.shape,
    ...jobsEnv.shape,
    ...mediaEnv.shape,
    ...providersEnv.shape,
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    // Live job progress LISTENs on one connection per process; behind PgBouncer in transaction
    // mode (which cannot carry LISTEN) point this at the primary itself.
    DATABASE_LISTEN_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    // Prometheus metrics listen apart from the api; keep this port off the public ingress.
    METRICS_HOST: z.string().default("127.0.0.1"),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    // Tracing and per-call metrics; `off` exists to measure what they cost (pnpm bench).
    TELEMETRY: z.enum(["on", "off"]).default("on"),
    // Traces at least this slow are kept in memory for the Ops page.
    SLOW_TRACE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    // Share of requests that write an access log line (errors are logged whatever it is).
    ACCESS_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(1),
    // Request bodies above this are refused with 413 before they are read further or parsed.
    // The largest input (a post body of 100,000 characters) fits well inside the default.
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    // Against slow or oversized requests (slowloris): see http/limits.ts and the README.
    HTTP_HEADERS_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(120_000)
      .default(limits.headersTimeoutMs),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(3_600_000)
      .default(limits.requestTimeoutMs),
    HTTP_MAX_HEADER_BYTES: z.coerce
      .number()
      .int()
      .min(4 * 1024)
      .max(64 * 1024)
      .default(limits.maxHeaderBytes),
    // Must exceed the idle timeout of the load balancer in front (AWS ALB 60 s, GCP 600 s).
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(1_200_000)
      .default(limits.keepAliveTimeoutMs),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    MIGRATE_ON_START: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
  }),
);

/** node:http refuses a headers timeout longer than the request timeout it is part of. */
const requestOutlastsHeaders = variables.refine(
  (env) => env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_REQUEST_TIMEOUT_MS,
  {
    message: "HTTP_HEADERS_TIMEOUT_MS cannot exceed HTTP_REQUEST_TIMEOUT_MS",
    path: ["HTTP_HEADERS_TIMEOUT_MS"],
  },
);

/** The only place apps/api reads process.env: everything else receives typed values. */
const envSchema = requireS3Settings(requireInngestPair(requestOutlastsHeaders));

export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(envSchema, source, "apps/api");
}
