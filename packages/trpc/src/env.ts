import type { CacheSettings } from "@brisk/cache";
import type {
  EmailSettings,
  InngestSettings,
  JobsSettings,
  RunsConsoleSettings,
} from "@brisk/jobs";
import { PROVIDER_NAMES, type ProvidersSettings } from "@brisk/providers";
import { z } from "zod";
import type { ProvidersConfig } from "./provider-access";
import type { ReplicaSettings } from "./read-routing";

/**
 * Environment fragments both hosts read: each app's env module composes the ones it needs
 * with its own (and @brisk/db's `dbPoolEnv`), so a variable means the same in every process.
 * Nothing here reads process.env.
 */

export const nodeEnv = z.object({
  // `production` hides error messages and stacks from clients; `development` shows them.
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
});

export const logEnv = z.object({
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export const requestEnv = z.object({
  // A procedure call waiting longer than this on the database (pool exhausted, server down)
  // is answered 503 with Retry-After instead of hanging.
  DB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
});

/**
 * Read replicas: streaming standbys of DATABASE_URL (comma-separated URLs), each with a pool of
 * the same DB_POOL_* settings. Read-only procedure calls go to them; writes, and the reads of a
 * signed-in caller for DB_REPLICA_STICKY_MS after they write, go to the primary. A replica
 * further behind than the sticky window (less the second between its checks) or not
 * answering serves no reads until it catches up.
 */
export const replicaEnv = z.object({
  DATABASE_REPLICA_URLS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^postgres(ql)?$/ })).max(16)),
  DB_REPLICA_STICKY_MS: z.coerce.number().int().min(2_000).max(60_000).default(5_000),
});

/** The runtime's read replicas, or undefined when none are configured. */
export function replicasFromEnv(
  env: z.infer<typeof replicaEnv> & RedisEnv,
): ReplicaSettings | undefined {
  if (env.DATABASE_REPLICA_URLS.length === 0) return undefined;
  return {
    urls: env.DATABASE_REPLICA_URLS,
    stickyMs: env.DB_REPLICA_STICKY_MS,
    redis: redisFromEnv(env),
  };
}

export const redisEnv = z.object({
  // The cache's tier 2 (Redis over Upstash's REST protocol), on when both are set.
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  // A Redis command slower than this counts as failed: the request goes on to the database.
  CACHE_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(75),
});

export const cacheEnv = z.object({
  // `off` exists to measure the uncached path (pnpm bench).
  CACHE: z.enum(["on", "off"]).default("on"),
  // How long an instance may answer from memory after another instance's write.
  CACHE_MAX_STALE_MS: z.coerce.number().int().min(250).max(60_000).default(5_000),
  CACHE_MEMORY_MAX_ENTRIES: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  CACHE_MEMORY_MAX_MB: z.coerce.number().int().min(1).max(4_096).default(64),
  // `single`: this is the only api instance and every write goes through it, so without Redis
  // tier 1 may keep entries for their class TTL. `several` (the safe default): without Redis,
  // an entry lives only CACHE_MAX_STALE_MS, since another instance's write would not reach it.
  API_INSTANCES: z.enum(["single", "several"]).default("several"),
});

export const authEnv = z.object({
  // Where the dashboard is served (comma-separated origins). A mutation carrying the session
  // cookie must come from one of them; when all are https, the cookie is \`__Host-\` and Secure.
  DASHBOARD_ORIGINS: z
    .string()
    .default("http://localhost:3000,http://127.0.0.1:3000")
    .transform((list) =>
      list
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .url({ protocol: /^https?$/ })
            .refine(
              (url) => new URL(url).origin === url,
              "An origin has no path: https://host[:port]",
            ),
        )
        .min(1)
        .max(20),
    ),
  // Scales every rate limit (sign-in, sign-up, API keys); the benchmark's sign-in storm raises it.
  RATE_LIMIT_MULTIPLIER: z.coerce.number().min(0.01).max(1_000_000).default(1),
  // Proxies in front of this process that append to X-Forwarded-For (load balancers): the
  // client's address is read that many entries from the end. 0: the socket's peer.
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

/** The runtime's auth settings from \`authEnv\`. */
export function authFromEnv(env: z.infer<typeof authEnv>) {
  return {
    dashboardOrigins: env.DASHBOARD_ORIGINS,
    rateLimitMultiplier: env.RATE_LIMIT_MULTIPLIER,
  };
}

/**
 * Background jobs (apps/api). `INNGEST_DEV`: a local executor or dev server at that URL, no
 * signatures. `INNGEST_SIGNING_KEY` and `INNGEST_EVENT_KEY`: Inngest Cloud, or a self-hosted
 * Inngest at `INNGEST_BASE_URL`, signatures required. Neither: the local executor's default
 * address (`pnpm dev` starts it there).
 */
export const jobsEnv = z.object({
  INNGEST_DEV: z.url({ protocol: /^https?$/ }).optional(),
  INNGEST_EVENT_KEY: z.string().min(1).max(500).optional(),
  INNGEST_SIGNING_KEY: z
    .string()
    .regex(/^signkey-[a-z]+-[0-9a-f]+$/i, "A signing key looks like signkey-prod-<hex>")
    .optional(),
  INNGEST_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Emails go through this SMTP server (smtp[s]://user:pass@host:port); without it they are
  // stored in Postgres as sent, for the dashboard's Mailbox page.
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  EMAIL_FROM: z.string().min(3).max(200).default("Brisk <no-reply@brisk.localhost>"),
});

type JobsEnv = z.infer<typeof jobsEnv>;

/** Where the local executor listens unless INNGEST_DEV says otherwise. */
export const LOCAL_EXECUTOR_URL = "http://127.0.0.1:8288";

/** The signing and event keys make sense only together. */
export function requireInngestPair<T extends z.ZodType<JobsEnv>>(schema: T) {
  return schema.refine((env) => !env.INNGEST_SIGNING_KEY === !env.INNGEST_EVENT_KEY, {
    message: "Set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY together",
    path: ["INNGEST_EVENT_KEY"],
  });
}

/** The runtime's jobs settings from `jobsEnv`. */
export function jobsFromEnv(env: JobsEnv): JobsSettings {
  const inngest: InngestSettings =
    !env.INNGEST_DEV && env.INNGEST_SIGNING_KEY && env.INNGEST_EVENT_KEY
      ? {
          mode: "cloud",
          signingKey: env.INNGEST_SIGNING_KEY,
          eventKey: env.INNGEST_EVENT_KEY,
          baseUrl: env.INNGEST_BASE_URL,
        }
      : { mode: "dev", url: env.INNGEST_DEV ?? LOCAL_EXECUTOR_URL };
  const email: EmailSettings = env.SMTP_URL
    ? { transport: "smtp", url: env.SMTP_URL, from: env.EMAIL_FROM }
    : { transport: "mailbox", from: env.EMAIL_FROM };
  return { inngest, email };
}

/**
 * Uploaded media: originals and thumbnails go under MEDIA_DIR, or to the bucket MEDIA_S3_BUCKET
 * of any S3-compatible store (MEDIA_S3_ENDPOINT for one that is not AWS); MEDIA_PUBLIC_URL is
 * the api's public origin when image links must be absolute.
 */
export const mediaEnv = z.object({
  MEDIA_DIR: z.string().min(1).max(500).default(".data/media"),
  MEDIA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  MEDIA_MAX_SIDE: z.coerce.number().int().min(100).max(20_000).default(8000),
  MEDIA_S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "An S3 bucket name: 3–63 lowercase letters, digits, dots, dashes",
    )
    .optional(),
  MEDIA_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  MEDIA_S3_REGION: z.string().min(1).max(50).default("us-east-1"),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).max(200).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).max(500).optional(),
  // Most self-hosted stores (MinIO, Ceph) want the bucket in the path; AWS in the host name.
  MEDIA_S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
});

type MediaEnv = z.infer<typeof mediaEnv>;

/** A bucket needs its credentials, and credentials without a bucket are a mistake too. */
export function requireS3Settings<T extends z.ZodType<MediaEnv>>(schema: T) {
  return schema.refine(
    (env) =>
      !env.MEDIA_S3_BUCKET === !env.MEDIA_S3_ACCESS_KEY_ID &&
      !env.MEDIA_S3_BUCKET === !env.MEDIA_S3_SECRET_ACCESS_KEY,
    {
      message:
        "Set MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY together",
      path: ["MEDIA_S3_BUCKET"],
    },
  );
}

/** The jobs' media settings from `mediaEnv`. */
export function mediaFromEnv(env: MediaEnv): NonNullable<JobsSettings["media"]> {
  const publicBaseUrl = env.MEDIA_PUBLIC_URL;
  const storage =
    env.MEDIA_S3_BUCKET && env.MEDIA_S3_ACCESS_KEY_ID && env.MEDIA_S3_SECRET_ACCESS_KEY
      ? {
          publicBaseUrl,
          s3: {
            bucket: env.MEDIA_S3_BUCKET,
            endpoint: env.MEDIA_S3_ENDPOINT,
            region: env.MEDIA_S3_REGION,
            accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID,
            secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.MEDIA_S3_FORCE_PATH_STYLE ?? env.MEDIA_S3_ENDPOINT !== undefined,
          },
        }
      : { publicBaseUrl, dir: env.MEDIA_DIR };
  return {
    storage,
    limits: { maxBytes: env.MEDIA_MAX_BYTES, maxSide: env.MEDIA_MAX_SIDE },
  };
}

/** What the dashboard's server needs to find job runs: the executor, or Inngest's console. */
export const runsEnv = jobsEnv.pick({
  INNGEST_DEV: true,
  INNGEST_SIGNING_KEY: true,
  INNGEST_BASE_URL: true,
});

/** The Jobs page's source from `runsEnv`: as `jobsFromEnv` decides, a signing key means cloud. */
export function runsFromEnv(env: z.infer<typeof runsEnv>): RunsConsoleSettings {
  return !env.INNGEST_DEV && env.INNGEST_SIGNING_KEY
    ? { mode: "cloud", baseUrl: env.INNGEST_BASE_URL }
    : { mode: "dev", url: env.INNGEST_DEV ?? LOCAL_EXECUTOR_URL };
}

/** Where `pnpm dev` runs the provider simulator (tooling/provider-simulator). */
export const LOCAL_PROVIDERS_URL = "http://127.0.0.1:8290";

const timeoutMs = z.coerce.number().int().min(100).max(60_000).default(10_000);

/**
 * The five external providers `reports.snapshot` reads (packages/providers). Each has a base
 * URL, an API key and a timeout: the whole call's budget, retries included. The defaults are
 * the simulator `pnpm dev` starts, with its keys.
 */
export const providersEnv = z.object({
  PROVIDER_PAGEVIEWS_URL: z
    .url({ protocol: /^https?$/ })
    .default(`${LOCAL_PROVIDERS_URL}/pageviews`),
  PROVIDER_PAGEVIEWS_KEY: z.string().min(1).max(500).default("sim-pageviews-key"),
  PROVIDER_PAGEVIEWS_TIMEOUT_MS: timeoutMs,
  PROVIDER_SOCIAL_URL: z.url({ protocol: /^https?$/ }).default(`${LOCAL_PROVIDERS_URL}/social`),
  PROVIDER_SOCIAL_KEY: z.string().min(1).max(500).default("sim-social-key"),
  PROVIDER_SOCIAL_TIMEOUT_MS: timeoutMs,
  PROVIDER_SEARCH_URL: z.url({ protocol: /^https?$/ }).default(`${LOCAL_PROVIDERS_URL}/search`),
  PROVIDER_SEARCH_KEY: z.string().min(1).max(500).default("sim-search-key"),
  PROVIDER_SEARCH_TIMEOUT_MS: timeoutMs,
  PROVIDER_NEWSLETTER_URL: z
    .url({ protocol: /^https?$/ })
    .default(`${LOCAL_PROVIDERS_URL}/newsletter`),
  PROVIDER_NEWSLETTER_KEY: z.string().min(1).max(500).default("sim-newsletter-key"),
  PROVIDER_NEWSLETTER_TIMEOUT_MS: timeoutMs,
  PROVIDER_REVENUE_URL: z.url({ protocol: /^https?$/ }).default(`${LOCAL_PROVIDERS_URL}/revenue`),
  PROVIDER_REVENUE_KEY: z.string().min(1).max(500).default("sim-revenue-key"),
  PROVIDER_REVENUE_TIMEOUT_MS: timeoutMs,
  // Sockets per provider and calls at once (the bulkhead); as many more may wait for one.
  PROVIDERS_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  // Consecutive failed calls (after their retries) that open a provider's breaker, and how
  // long it then refuses calls before one probe.
  PROVIDERS_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  PROVIDERS_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  // Retries of a failed attempt (connection errors, 5xx, 429) and their backoff's first step.
  PROVIDERS_MAX_RETRIES: z.coerce.number().int().min(0).max(3).default(3),
  PROVIDERS_RETRY_BASE_MS: z.coerce.number().int().min(1).max(10_000).default(100),
  // `off` exists to measure the uncached path (W3 cold).
  PROVIDERS_CACHE: z.enum(["on", "off"]).default("on"),
  // How long a cached answer is fresh. Past it the provider is called again; if that fails,
  // the cached answer is served (stale, with its age) while the cache keeps it (24 h).
  PROVIDERS_FRESH_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
});

/** The runtime's provider settings from `providersEnv`. */
export function providersFromEnv(env: z.infer<typeof providersEnv>): ProvidersConfig {
  const one = (name: string) => {
    const key = `PROVIDER_${name.toUpperCase()}` as "PROVIDER_PAGEVIEWS";
    return {
      baseUrl: env[`${key}_URL`],
      apiKey: env[`${key}_KEY`],
      timeoutMs: env[`${key}_TIMEOUT_MS`],
    };
  };
  return {
    providers: Object.fromEntries(
      PROVIDER_NAMES.map((name) => [name, one(name)]),
    ) as ProvidersSettings["providers"],
    concurrency: env.PROVIDERS_CONCURRENCY,
    breaker: {
      failureThreshold: env.PROVIDERS_BREAKER_FAILURES,
      cooldownMs: env.PROVIDERS_BREAKER_COOLDOWN_MS,
    },
    retry: {
      maxRetries: env.PROVIDERS_MAX_RETRIES,
      baseMs: env.PROVIDERS_RETRY_BASE_MS,
      // A backoff step never waits longer than this; Retry-After may ask for more.
      maxMs: 2_000,
    },
    cache: env.PROVIDERS_CACHE === "on",
    freshMs: env.PROVIDERS_FRESH_MS,
  };
}

export function otelEnv(serviceName: string) {
  return z.object({
    OTEL_SERVICE_NAME: z.string().min(1).max(100).default(serviceName),
    // Traces go over OTLP/HTTP to this collector; nothing is exported without it.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    // Share of new traces recorded; a caller's decision is always followed. One in ten costs
    // little (docs/PERFORMANCE.md) and still catches what is slow; `pnpm dev` records all.
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.1),
  });
}

type RedisEnv = z.infer<typeof redisEnv>;

/** The Redis URL and token make sense only together. */
export function requireRedisPair<T extends z.ZodType<RedisEnv>>(schema: T) {
  return schema.refine((env) => !env.UPSTASH_REDIS_REST_URL === !env.UPSTASH_REDIS_REST_TOKEN, {
    message: "Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN together",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  });
}

/** The Redis tier's settings, or undefined when no Redis is configured. */
export function redisFromEnv(env: RedisEnv): CacheSettings["redis"] {
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) return undefined;
  return {
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: env.CACHE_REDIS_TIMEOUT_MS,
  };
}

/** The in-process tier's settings. */
export function memoryFromEnv(env: z.infer<typeof cacheEnv>): CacheSettings["memory"] {
  return {
    maxStaleMs: env.CACHE_MAX_STALE_MS,
    maxEntries: env.CACHE_MEMORY_MAX_ENTRIES,
    maxBytes: env.CACHE_MEMORY_MAX_MB * 1024 * 1024,
    alone: env.API_INSTANCES === "single",
  };
}

/** Parses `source` or throws one error naming every bad variable, for the process to die with. */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: Record<string, string | undefined>,
  app: string,
): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
    .map(([key, messages]) => `  ${key}: ${(messages as string[] | undefined)?.join(", ")}`)
    .join("\n");
  throw new Error(`Invalid environment for ${app}:\n${problems}`);
}
