import { randomBytes, timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  formatScryptHash,
  parseScryptHash,
  SCRYPT_KEY_LENGTH,
  SCRYPT_PARAMS,
  type ScryptParams,
  scryptMaxmem,
} from "@brisk/db";
import { createBulkhead } from "@brisk/resilience";
import { createHashThreads } from "./hash-threads";

// What an unknown email is checked against, so that sign-in costs the same either way.
const UNKNOWN_SALT = randomBytes(16).toString("base64url");

/**
 * Password hashing off the event loop, in threads of its own that run below the loop's
 * priority (`hash-threads.ts`). At most `concurrency` hashes run at once, one a thread, and
 * at most `queue` wait: past that, `hash` and `verify` reject at once (`isBulkheadFull`),
 * which callers answer with 503 and Retry-After rather than letting sign-ins pile up. A hash
 * still waiting when its `signal` aborts (the request's deadline passed) is dropped, so a
 * queue behind a burst never hashes for callers who have gone.
 */
export function createPasswordHasher(options: {
  concurrency: number;
  queue: number;
  /** Seconds a hash waited for its turn (metrics). */
  onWait?: ((seconds: number) => void) | undefined;
}) {
  const bulkhead = createBulkhead(options.concurrency, options.queue);
  const threads = createHashThreads(options.concurrency);
  const run = (password: string, salt: string, params: ScryptParams, signal?: AbortSignal) => {
    const queued = performance.now();
    return bulkhead.execute(() => {
      options.onWait?.((performance.now() - queued) / 1000);
      return threads.run({
        password,
        salt,
        keyLength: SCRYPT_KEY_LENGTH,
        options: { ...params, maxmem: scryptMaxmem(params) },
      });
    }, signal);
  };

  return {
    async hash(password: string, signal?: AbortSignal): Promise<string> {
      const salt = randomBytes(16).toString("base64url");
      const key = await run(password, salt, SCRYPT_PARAMS, signal);
      return formatScryptHash(SCRYPT_PARAMS, salt, key.toString("base64url"));
    },

    /**
     * Whether `password` matches `stored`. No stored hash (an unknown email) costs a hash all
     * the same, and fails. `rehash`: the hash was made with other parameters than today's.
     */
    async verify(password: string, stored: string | null, signal?: AbortSignal) {
      const parsed = stored ? parseScryptHash(stored) : null;
      if (!parsed) {
        await run(password, UNKNOWN_SALT, SCRYPT_PARAMS, signal);
        return { ok: false, rehash: false };
      }
      const key = await run(password, parsed.salt, parsed.params, signal);
      const expected = Buffer.from(parsed.hash, "base64url");
      const ok = key.length === expected.length && timingSafeEqual(key, expected);
      const current = Object.entries(SCRYPT_PARAMS).every(
        ([name, value]) => parsed.params[name as keyof ScryptParams] === value,
      );
      return { ok, rehash: ok && !current };
    },

    /** Hashes running or waiting now. */
    get load() {
      return bulkhead.load;
    },
    /** Whether a hash asked for now would be refused: callers refuse before other work. */
    get full() {
      return bulkhead.full;
    },
    close: threads.close,
  };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
