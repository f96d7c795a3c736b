import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";

/**
 * tRPC's HTTP protocol, spoken straight on node:http.
 *
 * Every adapter tRPC ships (standalone, node-http, express, fastify) turns each
 * `IncomingMessage` into a Fetch `Request` (undici objects, an AbortSignal, a body stream)
 * and pipes a Fetch `Response` back: on this machine that alone caps a trivial procedure at a
 * fifth of what node:http serves. This handler reads the URL and body itself, calls each
 * procedure the way tRPC's `resolveResponse` does (so middleware, input parsing and errors
 * are tRPC's own), and writes tRPC's JSON envelopes, error shapes (through the router's error
 * formatter) and status codes (207 for a mixed batch). A corpus test holds it to tRPC's own
 * handler, byte for byte.
 *
 * What it does not speak it hands to `fallback` (tRPC's standalone handler): streamed
 * batches (`httpBatchStreamLink`), subscriptions, form data and binary bodies, lazy routers.
 */
export interface TrpcHandlerOptions<TContext> {
  router: AnyTRPCRouter;
  /** Where the router is mounted, with its trailing slash: `/trpc/`. */
  basePath: string;
  createContext: (req: IncomingMessage, res: ServerResponse) => TContext;
  /** Response headers that depend on the outcome (Retry-After for a 503, Server-Timing). */
  responseHeaders: (errors: TRPCError[]) => Record<string, string>;
  onError: (opts: {
    error: TRPCError;
    path: string | undefined;
    ctx: TContext | undefined;
  }) => void;
  /** JSON of a procedure's answer: a cached answer may already have it. */
  serialize: (data: unknown) => string;
  maxBatchSize: number;
  maxBodyBytes: number;
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
}

type ProcedureType = "query" | "mutation" | "subscription";

const METHOD_OF: Record<ProcedureType, string> = {
  query: "GET",
  mutation: "POST",
  subscription: "GET",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === "object";
}

function isStreamLike(value: unknown): boolean {
  if (typeof value === "object" && value !== null && Symbol.asyncIterator in value) return true;
  return (
    isObject(value) &&
    Object.values(value).some(
      (v) =>
        (typeof v === "object" || typeof v === "function") &&
        v !== null &&
        (typeof (v as { then?: unknown }).then === "function" || Symbol.asyncIterator in v),
    )
  );
}

/** Streamed batches ask for JSON lines; subscriptions for server-sent events. */
function wantsStream(req: IncomingMessage): boolean {
  if (req.headers["trpc-accept"] !== undefined) return true;
  const accept = req.headers.accept;
  return accept !== undefined && accept.split(",").some((t) => t.trim() === "application/jsonl");
}

function isJsonBody(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  return type?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}

/** The request body as text, or a TRPCError past `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | TRPCError> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.off("end", onEnd);
      resolve(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", reject);
  });
}

interface Call {
  path: string;
  procedure: AnyTRPCProcedure | undefined;
  index: number;
}

export function createTrpcHandler<TContext>(options: TrpcHandlerOptions<TContext>) {
  const { router, basePath, maxBatchSize } = options;
  const config = router._def._config;
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  const hasLazy = Object.keys(router._def.lazy ?? {}).length > 0;

  /**
   * Writes the body as the pieces it was made of (an answer's JSON is often the cache's kept
   * bytes, and a list can be half a megabyte): joining them first would copy it all again.
   */
  function write(
    res: ServerResponse,
    status: number,
    body: string[],
    errors: TRPCError[],
    contentType = "application/json",
  ) {
    let length = 0;
    for (const piece of body) length += Buffer.byteLength(piece);
    res.writeHead(status, {
      vary: "trpc-accept, accept",
      "content-type": contentType,
      // Known, so the body goes out whole: without it, a response whose headers are written
      // first is sent chunked.
      "content-length": length,
      ...options.responseHeaders(errors),
    });
    res.cork();
    for (const piece of body) res.write(piece);
    res.end();
  }

  /**
   * A failure of the request as a whole, answered with one error as tRPC does. Before the
   * request was understood there is no context yet, and tRPC sends no content type of its
   * own: its Fetch Response then says `text/plain`, and so does this, to stay identical.
   */
  function failRequest(
    res: ServerResponse,
    cause: unknown,
    understood?: { ctx: TContext; type: ProcedureType | "unknown" },
  ) {
    const error = getTRPCErrorFromUnknown(cause);
    options.onError({ error, path: undefined, ctx: understood?.ctx });
    const shape = getTRPCErrorShape({
      config,
      error,
      type: understood?.type ?? "unknown",
      path: undefined,
      input: undefined,
      ctx: understood?.ctx,
    });
    const envelope = { error: shape };
    const body = JSON.stringify(transformTRPCResponse(config, envelope));
    const contentType = understood ? "application/json" : "text/plain;charset=UTF-8";
    write(res, getHTTPStatusCode(envelope), [body], [error], contentType);
  }

  /** Anything unexpected (a body that cannot be read): tRPC's shape of a 500, if still possible. */
  function handle(req: IncomingMessage, res: ServerResponse) {
    serve(req, res).catch((cause) => {
      if (res.headersSent) res.destroy();
      else failRequest(res, cause);
    });
  }
  return handle;

  async function serve(req: IncomingMessage, res: ServerResponse) {
    if (wantsStream(req) || (req.method === "POST" && !isJsonBody(req)) || hasLazy) {
      return options.fallback(req, res);
    }
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const params = new URLSearchParams(query === -1 ? "" : url.slice(query + 1));
    const rawPath = (query === -1 ? url : url.slice(0, query)).slice(basePath.length);

    let calls: Call[];
    let type: ProcedureType | "unknown";
    const isBatch = params.get("batch") === "1";
    try {
      let path: string;
      try {
        path = decodeURIComponent(rawPath);
      } catch (cause) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `Invalid URL-encoding in path "${rawPath}"`,
          cause,
        });
      }
      const paths = isBatch ? path.split(",") : [path];
      if (isBatch && paths.length > maxBatchSize) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Batch call exceeds maximum size" });
      }
      calls = paths.map((p, index) => ({ path: p, procedure: procedures[p], index }));
      const types = new Set(calls.flatMap((c) => (c.procedure ? [c.procedure._def.type] : [])));
      if (types.has("subscription")) return options.fallback(req, res);
      if (types.size > 1) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `Cannot mix procedure types in call: ${[...types].join(", ")}`,
        });
      }
      type = (types.values().next().value as ProcedureType | undefined) ?? "unknown";
    } catch (cause) {
      return failRequest(res, cause);
    }

    // Inputs are read once, when the first procedure asks (as tRPC does): a failure to read
    // or parse them is each call's own error.
    let inputs: Record<number, unknown> | TRPCError | undefined;
    const body = req.method === "GET" ? undefined : await readBody(req, options.maxBodyBytes);
    const readInputs = (): Record<number, unknown> => {
      if (inputs === undefined) {
        try {
          inputs = parseInputs(body, params, isBatch, calls.length);
        } catch (cause) {
          inputs =
            cause instanceof TRPCError
              ? cause
              : new TRPCError({
                  code: "BAD_REQUEST",
                  message: cause instanceof Error ? cause.message : "Invalid input",
                  cause,
                });
        }
      }
      if (inputs instanceof TRPCError) throw inputs;
      return inputs;
    };
    const inputOf = (index: number) =>
      inputs === undefined || inputs instanceof TRPCError ? undefined : inputs[index];

    const ctx = options.createContext(req, res);
    const outcomes = await Promise.all(
      calls.map(async (call): Promise<[TRPCError | undefined, unknown]> => {
        try {
          const proc = call.procedure;
          if (!proc) {
            throw new TRPCError({
              code: "NOT_FOUND",
              message: `No procedure found on path "${call.path}"`,
            });
          }
          const procType = proc._def.type as ProcedureType;
          if (METHOD_OF[procType] !== req.method) {
            throw new TRPCError({
              code: "METHOD_NOT_SUPPORTED",
              message: `Unsupported ${req.method}-request to ${procType} procedure at path "${call.path}"`,
            });
          }
          // A body over the limit refuses the request (413), not only the calls that read their
          // input: tRPC would still run the others (a sign-out, or any call refused first for
          // who is calling), answering for a request the server declined to read.
          if (body instanceof TRPCError) throw body;
          const data = await proc({
            path: call.path,
            getRawInput: async () => readInputs()[call.index],
            ctx,
            type: procType,
            signal: undefined,
            batchIndex: call.index,
          });
          return [undefined, data];
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          options.onError({ error, path: call.path, ctx });
          return [error, undefined];
        }
      }),
    );

    // A stream-like answer needs httpBatchStreamLink: for one call, tRPC fails the whole
    // request (a context, no path); in a batch, only that call.
    for (const outcome of outcomes) {
      if (outcome[0] || !isStreamLike(outcome[1])) continue;
      const error = new TRPCError({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message:
          "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
      });
      if (!isBatch) return failRequest(res, error, { ctx, type });
      outcome[0] = error;
      outcome[1] = undefined;
    }

    const errors: TRPCError[] = [];
    const statuses = new Set<number>();
    const parts = outcomes.map(([error, data], index): string[] => {
      if (!error) {
        statuses.add(200);
        // JSON has no undefined: a procedure that returns nothing answers `{"result":{}}`.
        if (data === undefined) return ['{"result":{}}'];
        return ['{"result":{"data":', options.serialize(data), "}}"];
      }
      errors.push(error);
      const call = calls[index]!;
      const envelope = {
        error: getTRPCErrorShape({
          config,
          ctx,
          error,
          input: inputOf(index),
          path: call.path,
          type: call.procedure?._def.type ?? "unknown",
        }),
      };
      statuses.add(getHTTPStatusCode(envelope));
      return [JSON.stringify(transformTRPCResponse(config, envelope))];
    });
    const status = statuses.size === 1 ? statuses.values().next().value! : 207;
    const pieces = isBatch
      ? ["[", ...parts.flatMap((part, i) => (i === 0 ? part : [",", ...part])), "]"]
      : parts[0]!;
    write(res, status, pieces, errors);
  }

  function parseInputs(
    body: string | TRPCError | undefined,
    params: URLSearchParams,
    isBatch: boolean,
    count: number,
  ): Record<number, unknown> {
    if (body instanceof TRPCError) throw body;
    let raw: unknown;
    if (body === undefined) {
      const input = params.get("input");
      if (input) raw = JSON.parse(input);
    } else {
      raw = JSON.parse(body);
    }
    const deserialize = config.transformer.input.deserialize;
    const result: Record<number, unknown> = Object.create(null);
    if (raw === undefined) return result;
    if (!isBatch) {
      result[0] = deserialize(raw);
      return result;
    }
    if (!isObject(raw)) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: '"input" needs to be an object when doing a batch call',
      });
    }
    for (let index = 0; index < count; index++) {
      const input = raw[index];
      if (input !== undefined) result[index] = deserialize(input);
    }
    return result;
  }
}
