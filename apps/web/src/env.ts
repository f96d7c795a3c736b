import { dbPoolEnv } from "@brisk/db";
import {
  authEnv,
  logEnv,
  mediaEnv,
  nodeEnv,
  otelEnv,
  parseEnv,
  redisEnv,
  replicaEnv,
  requestEnv,
  requireRedisPair,
  runsEnv,
} from "@brisk/trpc/env";
import { z } from "zod";

/**
 * The only place apps/web reads process.env. Validation is lazy: nothing here runs at import
 * time, so `next build` succeeds without DATABASE_URL. Pages that need the database are
 * dynamic and call serverEnv() while answering a request.
 */

const baseSchema = z.object({
  ...nodeEnv.shape,
  /** Where apps/api listens; browsers reach it through the same-origin /trpc route. */
  API_URL: z
    .url({ protocol: /^https?$/ })
    .default("http://127.0.0.1:3001")
    .transform((url) => url.replace(/\/+$/, "")),
});

const serverEnvSchema = requireRedisPair(
  baseSchema.extend({
    ...logEnv.shape,
    ...dbPoolEnv.shape,
    // The api's read replicas; marks of who wrote are shared through the api's Redis.
    ...replicaEnv.shape,
    ...requestEnv.shape,
    // The api's Redis tier, shared: server renders read what the api cached.
    ...redisEnv.shape,
    ...authEnv.shape,
    // Where the Jobs page reads runs: the local executor, or a link to Inngest's console.
    ...runsEnv.shape,
    // The api's media settings the editor and post pages need: where images are linked from,
    // and the upload limit the editor checks before sending (the api checks it again).
    ...mediaEnv.pick({ MEDIA_PUBLIC_URL: true, MEDIA_MAX_BYTES: true }).shape,
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  }),
);

/** What the response headers depend on (src/proxy.ts): nothing that needs the database. */
const securitySchema = z.object({
  ...nodeEnv.shape,
  ...mediaEnv.pick({ MEDIA_PUBLIC_URL: true }).shape,
});

type ServerEnv = z.infer<typeof serverEnvSchema>;
type BaseEnv = z.infer<typeof baseSchema>;
type SecurityEnv = z.infer<typeof securitySchema>;

const APP = "apps/web";
let cachedServer: ServerEnv | undefined;
let cachedBase: BaseEnv | undefined;
let cachedSecurity: SecurityEnv | undefined;

/** Everything the server needs at request time, DATABASE_URL included. Throws when invalid. */
export function serverEnv(): ServerEnv {
  cachedServer ??= parseEnv(serverEnvSchema, process.env, APP);
  return cachedServer;
}

/** The settings that never need the database: safe at build time. */
export function baseEnv(): BaseEnv {
  cachedBase ??= parseEnv(baseSchema, process.env, APP);
  return cachedBase;
}

/** The settings every response's security headers are built from. */
export function securityEnv(): SecurityEnv {
  cachedSecurity ??= parseEnv(securitySchema, process.env, APP);
  return cachedSecurity;
}

/** Read once by src/server/tracing.ts when the server process starts. */
export function telemetryEnv() {
  return parseEnv(otelEnv("brisk-web"), process.env, APP);
}
