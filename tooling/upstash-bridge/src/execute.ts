import type { Redis } from "ioredis";
import { HttpError, type RedisCommand, refusal } from "./protocol";
import { type Outcome, redisErrorMessage } from "./replies";
import type { PreparedCommand, ScriptTable } from "./scripts";

type Entry = [error: Error | null, result: unknown];

// Commands go out with callBuffer so replies stay Buffers, exact to the byte. Their names are
// upper case (see protocol.ts), which also keeps ioredis's reply transformers away: they are
// keyed by lower-case name and would turn HGETALL's array into an object, for one.

export async function runCommand(
  redis: Redis,
  scripts: ScriptTable,
  command: RedisCommand,
): Promise<Outcome> {
  const refused = refusal(command);
  if (refused) return { error: refused };
  const { command: sent, answer } = scripts.prepare(command);
  try {
    const result = await redis.callBuffer(sent.name, sent.args);
    return { result: answer ?? result };
  } catch (error) {
    return { error: redisErrorMessage(error) };
  }
}

/** Each command succeeds or fails on its own; a refused one fails without reaching Redis. */
export async function runPipeline(
  redis: Redis,
  scripts: ScriptTable,
  commands: RedisCommand[],
): Promise<Outcome[]> {
  const pipeline = redis.pipeline();
  const planned = commands.map((command) => refusal(command) ?? scripts.prepare(command));
  for (const step of planned) {
    if (typeof step !== "string") pipeline.callBuffer(step.command.name, step.command.args);
  }
  const entries = (await pipeline.exec()) as Entry[];
  let next = 0;
  return planned.map((step) =>
    typeof step === "string" ? { error: step } : settle(entries[next++]!, step),
  );
}

/**
 * MULTI … EXEC. A runtime error (WRONGTYPE) fails its own entry and the others apply; a
 * transaction Redis discards as a whole (EXECABORT) is a 400, and so is one with a command the
 * bridge refuses, which Redis would discard or which would break the shared connection.
 */
export async function runTransaction(
  redis: Redis,
  scripts: ScriptTable,
  commands: RedisCommand[],
): Promise<Outcome[]> {
  const refused = commands.map(refusal).find(Boolean);
  if (refused) throw new HttpError(400, refused);
  const planned = commands.map((command) => scripts.prepare(command));
  const transaction = redis.multi();
  for (const { command } of planned) transaction.callBuffer(command.name, command.args);
  let entries: Entry[] | null;
  try {
    entries = await transaction.exec();
  } catch (error) {
    throw new HttpError(400, abortMessage(error));
  }
  // Only a failed WATCH makes EXEC answer nil, and WATCH is refused.
  if (!entries) throw new HttpError(400, "EXECABORT Transaction discarded");
  return entries.map((entry, i) => settle(entry, planned[i]!));
}

function settle([error, result]: Entry, { answer }: PreparedCommand): Outcome {
  return error ? { error: redisErrorMessage(error) } : { result: answer ?? result };
}

/** EXECABORT alone does not say why; ioredis keeps the queuing errors that caused it. */
function abortMessage(error: unknown) {
  const message = redisErrorMessage(error);
  const [cause] = (error as { previousErrors?: Error[] }).previousErrors ?? [];
  return cause ? `${message} ${redisErrorMessage(cause)}` : message;
}
