import { scryptSync } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import {
  formatScryptHash,
  parseScryptHash,
  SCRYPT_KEY_LENGTH,
  SCRYPT_PARAMS,
  type ScryptParams,
  scryptMaxmem,
} from "@brisk/db";
import { isBulkheadFull } from "@brisk/resilience";
import { describe, expect, it } from "vitest";
import { createPasswordHasher } from "./passwords";

const hasher = createPasswordHasher({ concurrency: 2, queue: 8 });

/** A stored hash made with other parameters than today's, as an older release wrote it. */
function hashWith(params: ScryptParams, password: string) {
  const salt = "b2xkZXItcGFyYW1z";
  const key = scryptSync(password, salt, SCRYPT_KEY_LENGTH, {
    ...params,
    maxmem: scryptMaxmem(params),
  });
  return formatScryptHash(params, salt, key.toString("base64url"));
}

describe("createPasswordHasher", () => {
  it("hashes with today's parameters and a new salt each time", async () => {
    const [one, two] = await Promise.all([
      hasher.hash("a long passphrase"),
      hasher.hash("a long passphrase"),
    ]);
    const parsed = parseScryptHash(one);
    expect(parsed?.params).toEqual(SCRYPT_PARAMS);
    expect(Buffer.from(parsed!.hash, "base64url")).toHaveLength(SCRYPT_KEY_LENGTH);
    expect(parseScryptHash(two)?.salt).not.toBe(parsed?.salt);
    expect(two).not.toBe(one);
  });

  it("verifies the right password and refuses any other", async () => {
    const stored = await hasher.hash("a long passphrase");
    expect(await hasher.verify("a long passphrase", stored)).toEqual({ ok: true, rehash: false });
    for (const wrong of ["a long passphrasE", "a long passphrase ", "", "é".repeat(128)]) {
      expect(await hasher.verify(wrong, stored)).toEqual({ ok: false, rehash: false });
    }
  });

  it("asks for a rehash when the right password was hashed with other parameters", async () => {
    for (const params of [
      { N: 1024, r: 8, p: 1 },
      { ...SCRYPT_PARAMS, r: 4 },
      { ...SCRYPT_PARAMS, p: 2 },
    ]) {
      const stored = hashWith(params, "a long passphrase");
      expect(await hasher.verify("a long passphrase", stored)).toEqual({ ok: true, rehash: true });
      // A wrong password learns nothing, and changes nothing.
      expect(await hasher.verify("not the passphrase", stored)).toEqual({
        ok: false,
        rehash: false,
      });
    }
  });

  it("fails an unknown account or an unreadable hash without throwing", async () => {
    for (const stored of [
      null,
      "",
      "bcrypt$2b$10$abc",
      "scrypt$0$8$1$salt$hash",
      "scrypt$32768$8$1$$",
      "scrypt$not-a-number$8$1$salt$hash",
    ]) {
      expect(await hasher.verify("a long passphrase", stored)).toEqual({
        ok: false,
        rehash: false,
      });
    }
  });

  it("refuses at once past its queue, so a sign-in can answer 503 instead of waiting", async () => {
    const waits: number[] = [];
    const small = createPasswordHasher({ concurrency: 1, queue: 1, onWait: (s) => waits.push(s) });
    // A slot is taken when a hash is asked for, before it starts: no race in what follows.
    const running = small.hash("first passphrase");
    const waiting = small.hash("second passphrase");
    expect(small.load).toBe(2);
    const refusals = await Promise.all([
      small.hash("third passphrase").catch((e: unknown) => e),
      small.verify("third passphrase", null).catch((e: unknown) => e),
    ]);
    expect(refusals.map(isBulkheadFull)).toEqual([true, true]);
    expect(small.full).toBe(true);

    await Promise.all([running, waiting]);
    expect(small.load).toBe(0);
    expect(waits).toHaveLength(2);
    expect(waits.every((seconds) => seconds >= 0)).toBe(true);
    // Room again: the next one is served.
    expect(parseScryptHash(await small.hash("third passphrase"))?.params).toEqual(SCRYPT_PARAMS);
  });

  it("drops a hash still waiting when its caller's signal aborts, and never runs it", async () => {
    const waits: number[] = [];
    const small = createPasswordHasher({ concurrency: 1, queue: 1, onWait: (s) => waits.push(s) });
    const running = small.hash("first passphrase");
    const gone = new AbortController();
    const waiting = small.hash("second passphrase", gone.signal).catch((e: unknown) => e);
    gone.abort();
    await running;
    expect(await waiting).toBeInstanceOf(Error);
    // Only the first hash reached a thread.
    expect(waits).toHaveLength(1);
    expect(small.load).toBe(0);
    await small.close();
  });

  it("hashes in a thread below the event loop's priority", async () => {
    const before = new Set(threadIds());
    await hasher.hash("a long passphrase");
    const niceOf = (tid: string) =>
      Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
    const hashing = threadIds().filter((tid) => !before.has(tid) || niceOf(tid) !== 0);
    expect(hashing.map(niceOf)).toContain(10);
    expect(niceOf(String(process.pid))).toBe(0);
  });
});

function threadIds() {
  return readdirSync("/proc/self/task");
}
