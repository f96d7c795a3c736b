import { ReplyError } from "ioredis";
import { HttpError } from "./protocol";

export type Json = string | number | null | Json[];

/** One command's answer, before it becomes `{"result": …}` or `{"error": …}`. */
export type Outcome = { result: unknown } | { error: string };

/**
 * A Redis reply (Buffers, integers, nil, nested arrays) as Upstash's JSON. With base64 every
 * string is encoded, nested ones included: the client decodes each string in an array, so a
 * plain "OK" inside one would come out as garbage. Numbers and nulls stay as they are.
 */
export function toJson(reply: unknown, base64: boolean): Json {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  const bytes = Buffer.isBuffer(reply)
    ? reply
    : Buffer.from(reply instanceof Error ? reply.message : String(reply));
  return bytes.toString(base64 ? "base64" : "utf8");
}

/**
 * The message of an error Redis answered, for `{"error": …}`. Anything else means the bridge
 * got no answer at all (Redis down, connection lost): the request fails as a whole with 503.
 */
export function redisErrorMessage(error: unknown): string {
  if (error instanceof ReplyError) return (error as Error).message;
  const reason = error instanceof Error ? error.message : String(error);
  throw new HttpError(503, `Redis unavailable: ${reason}`);
}
