import { z } from "zod";

/** A request the bridge answers with `status` and `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A Redis command as the bridge sends it: the name upper-cased, every argument a string. */
export interface RedisCommand {
  name: string;
  args: string[];
}

// The client sends numbers and booleans with their JSON types (`["set","k","v","ex",100]`).
const argument = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const command = z
  .array(argument)
  .min(1, "a command needs at least its name")
  .transform(([name, ...args]): RedisCommand => ({ name: name!.toUpperCase(), args }));
const commands = z.array(command).min(1, "no commands");

export function parseCommand(body: unknown): RedisCommand {
  return parse(command, body);
}

export function parseCommands(body: unknown): RedisCommand[] {
  return parse(commands, body);
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at [${issue.path.join("][")}]` : "";
    throw new HttpError(400, `ERR malformed request body${where}: ${issue.message}`);
  }
  return parsed.data;
}

const TRANSACTION = "send transactions to /multi-exec";
const CONNECTION = "it would change the Redis connection that every request shares";
const BLOCKING = "it would block the Redis connection that every request shares";

const REFUSED = new Map<string, string>([
  ...["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"].map((name) => [name, TRANSACTION] as const),
  ...[
    "SELECT",
    "HELLO",
    "AUTH",
    "RESET",
    "QUIT",
    "MONITOR",
    "SYNC",
    "PSYNC",
    "SUBSCRIBE",
    "PSUBSCRIBE",
    "SSUBSCRIBE",
    "UNSUBSCRIBE",
    "PUNSUBSCRIBE",
    "SUNSUBSCRIBE",
  ].map((name) => [name, CONNECTION] as const),
  ...[
    "BLPOP",
    "BRPOP",
    "BRPOPLPUSH",
    "BLMOVE",
    "BLMPOP",
    "BZPOPMIN",
    "BZPOPMAX",
    "BZMPOP",
    "WAIT",
    "WAITAOF",
  ].map((name) => [name, BLOCKING] as const),
]);

/**
 * Why the bridge will not run `command`, or undefined when it will. Every request shares one
 * Redis connection, so nothing may change its state or hold it.
 */
export function refusal({ name, args }: RedisCommand): string | undefined {
  if (name === "CLIENT" && args[0]?.toUpperCase() === "REPLY") {
    return refuse("CLIENT REPLY", CONNECTION);
  }
  if ((name === "XREAD" || name === "XREADGROUP") && hasBlockOption(args)) {
    return refuse(`${name} BLOCK`, BLOCKING);
  }
  const reason = REFUSED.get(name);
  return reason && refuse(name, reason);
}

function refuse(what: string, reason: string) {
  return `ERR ${what} is not supported by the Upstash bridge: ${reason}`;
}

// XREAD [COUNT n] [BLOCK ms] STREAMS …: options come before STREAMS, keys and ids after it.
function hasBlockOption(args: string[]) {
  const options = args.map((arg) => arg.toUpperCase());
  const streams = options.indexOf("STREAMS");
  return options.slice(0, streams === -1 ? undefined : streams).includes("BLOCK");
}
