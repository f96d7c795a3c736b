import { createHash } from "node:crypto";
import type { RedisCommand } from "./protocol";

/** What to send for a command, and for SCRIPT LOAD the SHA to answer instead of Redis's. */
export interface PreparedCommand {
  command: RedisCommand;
  answer?: string;
}

/**
 * Upstash's Lua scripts (@upstash/ratelimit's among them) start with
 * `#!lua flags=allow-key-locking`, a flag stock Redis refuses. The bridge strips it, and
 * remembers which SHA Redis knows for the SHA the client computed from the original text,
 * so EVALSHA keeps working instead of costing a NOSCRIPT and an EVAL every time.
 */
export class ScriptTable {
  readonly #redisSha = new Map<string, string>();

  prepare(command: RedisCommand): PreparedCommand {
    const { name, args } = command;
    const [first, ...rest] = args;
    if (first === undefined) return { command };
    if (name === "EVAL" || name === "EVAL_RO") {
      return { command: { name, args: [this.#accept(first).script, ...rest] } };
    }
    if (name === "EVALSHA" || name === "EVALSHA_RO") {
      return { command: { name, args: [this.#forRedis(first), ...rest] } };
    }
    const subcommand = name === "SCRIPT" ? first.toUpperCase() : "";
    if (subcommand === "LOAD" && rest.length === 1) {
      const { script, sha } = this.#accept(rest[0]!);
      return { command: { name, args: [first, script] }, answer: sha };
    }
    if (subcommand === "EXISTS") {
      return { command: { name, args: [first, ...rest.map((sha) => this.#forRedis(sha))] } };
    }
    return { command };
  }

  /** The script Redis accepts; when it differs, also the SHA the client computed. */
  #accept(original: string): { script: string; sha?: string } {
    const script = withoutUpstashFlags(original);
    if (script === original) return { script };
    const sha = sha1(original);
    this.#redisSha.set(sha, sha1(script));
    return { script, sha };
  }

  #forRedis(sha: string) {
    return this.#redisSha.get(sha.toLowerCase()) ?? sha;
  }
}

const UPSTASH_ONLY_FLAG = "allow-key-locking";

/** Removes `allow-key-locking` from a `#!lua` shebang; other flags and parameters stay. */
export function withoutUpstashFlags(script: string): string {
  const shebang = /^#!lua([^\n]*)/.exec(script);
  if (!shebang?.[1]?.includes(UPSTASH_ONLY_FLAG)) return script;
  const params = shebang[1].trim().split(/\s+/);
  const kept = params.flatMap((param) => {
    if (!param.startsWith("flags=")) return [param];
    const flags = param.slice("flags=".length).split(",");
    const others = flags.filter((flag) => flag !== UPSTASH_ONLY_FLAG);
    // `#!lua` with no flags is valid for Redis 7; an emptied `flags=` is dropped.
    return others.length ? [`flags=${others.join(",")}`] : [];
  });
  return ["#!lua", ...kept].join(" ") + script.slice(shebang[0].length);
}

function sha1(text: string) {
  return createHash("sha1").update(text).digest("hex");
}
