import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Context,
  type Logger,
  nodeRequest,
  RETRY_AFTER_S,
  type RequestInfo,
  serverTiming,
} from "@brisk/trpc";
import type { AnyTRPCRouter, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createTrpcHandler } from "./trpc-handler";

export interface TrpcRouteDeps {
  router: AnyTRPCRouter;
  createContext: (request: RequestInfo) => Context;
  log: Logger;
  /** JSON of a procedure's answer; the cache keeps it for the answers it holds. */
  serialize: (data: unknown) => string;
  /** Proxies in front that append to X-Forwarded-For: how the client's address is read. */
  trustProxyHops: number;
  /** Bodies above this are refused with 413 before they are parsed. */
  maxBodyBytes: number;
}

const BASE_PATH = "/trpc/";
// The dashboard batches at most 50 calls; more in one request is a client's mistake.
const MAX_BATCH_SIZE = 100;

/**
 * `/trpc/*`: Brisk's handler on node:http (`handle`), and tRPC's own standalone handler with
 * the same options (`standalone`), which `handle` falls back to for what it does not speak and
 * which the compatibility tests hold it against.
 */
export function createTrpcRoute(deps: TrpcRouteDeps) {
  // The server gave the request its id before tRPC saw it.
  const contextOf = (req: IncomingMessage, res: ServerResponse) =>
    deps.createContext(
      nodeRequest(req, res, String(res.getHeader("x-request-id")), deps.trustProxyHops),
    );

  const responseHeaders = (errors: readonly TRPCError[]) => {
    const headers: Record<string, string> = {};
    const timing = serverTiming();
    if (timing) headers["server-timing"] = timing;
    // A rate limit's 429 sets its own Retry-After (ctx.request.setHeader), which stays.
    if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) {
      headers["retry-after"] = String(RETRY_AFTER_S);
    }
    return headers;
  };

  const onError = ({
    error,
    path,
    ctx,
  }: {
    error: TRPCError;
    path: string | undefined;
    ctx?: Context | undefined;
  }) => {
    if (error.code !== "INTERNAL_SERVER_ERROR") return;
    (ctx?.log ?? deps.log).error({ err: error.cause ?? error, path }, "procedure failed");
  };

  const standalone = createHTTPHandler({
    router: deps.router,
    basePath: BASE_PATH,
    maxBatchSize: MAX_BATCH_SIZE,
    maxBodySize: deps.maxBodyBytes,
    createContext: ({ req, res }) => contextOf(req, res),
    responseMeta: ({ errors }) => ({ headers: responseHeaders(errors) }),
    onError,
  });

  const handle = createTrpcHandler<Context>({
    router: deps.router,
    basePath: BASE_PATH,
    maxBatchSize: MAX_BATCH_SIZE,
    maxBodyBytes: deps.maxBodyBytes,
    createContext: contextOf,
    responseHeaders,
    onError,
    serialize: deps.serialize,
    fallback: standalone,
  });

  return { handle, standalone };
}
