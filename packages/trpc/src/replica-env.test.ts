import { describe, expect, it } from "vitest";
import { parseEnv, redisEnv, replicaEnv, replicasFromEnv } from "./env";

const schema = replicaEnv.extend(redisEnv.shape);
const settings = (env: Record<string, string>) => replicasFromEnv(parseEnv(schema, env, "test"));

describe("replicaEnv", () => {
  it("has no replicas unless DATABASE_REPLICA_URLS names some", () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ DATABASE_REPLICA_URLS: " , " })).toBeUndefined();
  });

  it("reads a comma-separated list, the sticky window and the Redis that shares it", () => {
    expect(
      settings({
        DATABASE_REPLICA_URLS: "postgres://r1.internal/brisk, postgresql://r2.internal:6432/brisk",
        DB_REPLICA_STICKY_MS: "8000",
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
        UPSTASH_REDIS_REST_TOKEN: "token",
      }),
    ).toEqual({
      urls: ["postgres://r1.internal/brisk", "postgresql://r2.internal:6432/brisk"],
      stickyMs: 8000,
      redis: { url: "http://127.0.0.1:8079", token: "token", timeoutMs: 75 },
    });
  });

  it("refuses what is not a postgres URL, and a window shorter than two checks", () => {
    expect(() => settings({ DATABASE_REPLICA_URLS: "http://r1.internal" })).toThrow(
      /DATABASE_REPLICA_URLS/,
    );
    expect(() =>
      settings({ DATABASE_REPLICA_URLS: "postgres://r1/brisk", DB_REPLICA_STICKY_MS: "500" }),
    ).toThrow(/DB_REPLICA_STICKY_MS/);
  });
});
