import { createHash, randomBytes } from "node:crypto";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUpstashBridge, type UpstashBridge } from "./bridge";
import { type RedisServer, startRedisServer } from "./redis-server";
import { startTestRedis } from "./testing";

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

describe("Upstash REST contract, driven by @upstash/redis", () => {
  const token = randomBytes(16).toString("hex");
  const paths: string[] = [];
  let redisServer: RedisServer;
  let bridge: UpstashBridge;
  let url: string;
  let redis: Redis;
  let direct: IORedis;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    bridge = createUpstashBridge({ redisUrl: redisServer.url, token });
    bridge.server.on("request", (req) => paths.push(req.url ?? ""));
    url = `http://127.0.0.1:${await bridge.listen(0, "127.0.0.1")}`;
    redis = new Redis({ url, token, enableTelemetry: false });
    direct = new IORedis(redisServer.url);
  });

  afterAll(async () => {
    direct?.disconnect();
    await bridge?.close();
    await redisServer?.stop();
  });

  /** A raw call, for what the client cannot send or hides. */
  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it("sets with EX and gets", async () => {
    expect(await redis.set("greeting", "hello", { ex: 100 })).toBe("OK");
    expect(await redis.get("greeting")).toBe("hello");
    const ttl = await redis.ttl("greeting");
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it("round-trips non-ASCII and control characters exactly, to the byte", async () => {
    const value = 'héllo wörld ✓ 日本語 🚀 \u0000\u0001\u007f\t\r\n "quoted" \\ end';
    await redis.set("unicode", value);
    expect(await redis.get("unicode")).toBe(value);
    expect((await direct.getBuffer("unicode"))?.equals(Buffer.from(value, "utf8"))).toBe(true);
  });

  it("base64-encodes every string in a result, nested ones included, but not numbers", async () => {
    await redis.set("ok", "OK");
    expect(await redis.mget("ok", "missing")).toEqual(["OK", null]);
    const encoded = await post("/", ["mget", "ok", "missing"], { "upstash-encoding": "base64" });
    expect(encoded).toEqual({ status: 200, body: { result: ["T0s=", null] } });
    expect(await post("/", ["incr", "counter"], { "upstash-encoding": "base64" })).toEqual({
      status: 200,
      body: { result: 1 },
    });
    expect(await post("/", ["get", "ok"])).toEqual({ status: 200, body: { result: "OK" } });
  });

  it("stores and reads hashes", async () => {
    expect(await redis.hset("user:1", { name: "Ada", visits: 3 })).toBe(2);
    expect(await redis.hgetall("user:1")).toEqual({ name: "Ada", visits: 3 });
  });

  it("answers an auto-pipelined burst through /pipeline", async () => {
    const before = paths.filter((path) => path === "/pipeline").length;
    const keys = ["burst:a", "burst:b", "burst:c"];
    // Reads and writes of one tick go in two pipelines, sent concurrently: write first.
    await Promise.all(keys.map((key, i) => redis.set(key, `v${i}`)));
    expect(await Promise.all(keys.map((key) => redis.get(key)))).toEqual(["v0", "v1", "v2"]);
    expect(paths.filter((path) => path === "/pipeline").length - before).toBe(2);
  });

  it("runs a pipeline whose failing command leaves the others alone", async () => {
    const pipeline = redis.pipeline();
    pipeline.set("text", "not a number");
    pipeline.incr("text");
    pipeline.get("text");
    const results = await pipeline.exec({ keepErrors: true });
    expect(results[0]).toEqual({ result: "OK", error: undefined });
    expect(results[1]?.error).toMatch(/ERR value is not an integer/);
    expect(results[2]).toEqual({ result: "not a number", error: undefined });
  });

  it("runs multi/exec with a runtime error in one entry and applies the others", async () => {
    const transaction = redis.multi();
    transaction.set("tx", "1");
    transaction.lpush("tx", "x");
    transaction.incr("tx");
    const results = await transaction.exec({ keepErrors: true });
    expect(results[0]?.result).toBe("OK");
    expect(results[1]?.error).toMatch(/^WRONGTYPE/);
    expect(results[2]?.result).toBe(2);
    expect(await redis.get("tx")).toBe(2);
  });

  it("answers 400 for a transaction Redis discards as a whole, and applies none of it", async () => {
    const { status, body } = await post("/multi-exec", [["set", "discarded", "1"], ["nosuch"]]);
    expect(status).toBe(400);
    expect((body as { error: string }).error).toMatch(/^EXECABORT .*unknown command/);
    expect(await redis.exists("discarded")).toBe(0);
  });

  it("runs EVAL, SCRIPT LOAD + EVALSHA and createScript", async () => {
    expect(await redis.eval("return ARGV[1]", [], ["echo"])).toBe("echo");
    const sha = await redis.scriptLoad("return 42");
    expect(sha).toBe(sha1("return 42"));
    expect(await redis.evalsha(sha, [], [])).toBe(42);
    const script = redis.createScript<number>("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(await script.exec(["script:counter"], ["5"])).toBe(5);
    expect(await script.exec(["script:counter"], ["5"])).toBe(10);
  });

  it("accepts Upstash's allow-key-locking shebang through EVAL and EVALSHA by original SHA", async () => {
    const evaluated = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    expect(await redis.eval(evaluated, ["locked"], [])).toBe(1);
    expect(await redis.evalsha(sha1(evaluated), ["locked"], [])).toBe(2);

    const loaded = "#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1])";
    expect(await redis.scriptLoad(loaded)).toBe(sha1(loaded));
    expect(await redis.evalsha(sha1(loaded), ["locked"], [])).toBe(2);
    expect(await redis.scriptExists(sha1(loaded))).toEqual([1]);
  });

  it("refuses MULTI, blocking and connection-changing commands sent as plain commands", async () => {
    for (const command of [["multi"], ["blpop", "list", "0"], ["select", "1"]]) {
      const { status, body } = await post("/", command);
      expect(status).toBe(400);
      expect((body as { error: string }).error).toMatch(/not supported by the Upstash bridge/);
    }
    const { body } = await post("/pipeline", [["subscribe", "channel"], ["ping"]]);
    expect(body).toEqual([
      { error: expect.stringMatching(/SUBSCRIBE is not supported/) },
      { result: "PONG" },
    ]);
  });

  it("answers malformed and oversized requests with 4xx", async () => {
    expect((await post("/", [])).status).toBe(400);
    expect((await post("/", ["set", "k", { nested: true }])).status).toBe(400);
    expect((await post("/pipeline", ["get", "k"])).status).toBe(400);
    expect((await post("/", ["set", "big", "x".repeat(11 * 1024 * 1024)])).status).toBe(413);
  });

  it("refuses a wrong token", async () => {
    const intruder = new Redis({ url, token: "wrong", enableTelemetry: false });
    await expect(intruder.get("greeting")).rejects.toThrow(/Unauthorized/);
  });
});

describe("startTestRedis", () => {
  it("answers errors while Redis is down and recovers when it is back", async () => {
    const testRedis = await startTestRedis();
    try {
      const redis = new Redis({
        url: testRedis.restUrl,
        token: testRedis.token,
        enableTelemetry: false,
      });
      await redis.set("survives", "no");

      await testRedis.stopRedis();
      await expect(redis.get("survives")).rejects.toThrow(/Redis unavailable/);

      await testRedis.startRedis();
      await expect
        .poll(() => redis.set("back", "yes").catch(() => null), { timeout: 5_000 })
        .toBe("OK");
      // A fresh redis-server without persistence: the outage lost the data.
      expect(await redis.get("survives")).toBeNull();
    } finally {
      await testRedis.stop();
    }
  });
});
