import http from "node:http";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { AnyRouter } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { Logger } from "../logger";
import { runInRequestScope, serverTiming } from "../telemetry/request-scope";
import { tracer } from "../telemetry/tracing";
import type { Context } from "../trpc/context";
import { RETRY_AFTER_S } from "../trpc/unavailable";
import { healthz, type Readiness, readyz } from "./health";
import { requestIdOf } from "./request-id";

export interface ServerDeps {
  router: AnyRouter;
  createContext: (requestId: string) => Context;
  log: Logger;
  readiness: Omit<Readiness, "isDraining">;
}

const requestIds = new WeakMap<http.IncomingMessage, string>();

export function createApiServer(deps: ServerDeps) {
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;

  const trpc = createHTTPHandler({
    router: deps.router,
    basePath: "/trpc/",
    createContext: ({ req }) => deps.createContext(requestIds.get(req) ?? requestIdOf(req)),
    responseMeta({ errors }) {
      const headers: Record<string, string> = {};
      const timing = serverTiming();
      if (timing) headers["server-timing"] = timing;
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) {
        headers["retry-after"] = String(RETRY_AFTER_S);
      }
      return { headers };
    },
    onError({ error, path, ctx }) {
      if (error.code !== "INTERNAL_SERVER_ERROR") return;
      (ctx?.log ?? deps.log).error({ err: error.cause ?? error, path }, "procedure failed");
    },
  });

  const server = http.createServer((req, res) => {
    const requestId = requestIdOf(req);
    requestIds.set(req, requestId);
    res.setHeader("x-request-id", requestId);
    const url = req.url ?? "/";
    if (url === "/healthz") return healthz(res);
    if (url === "/readyz") {
      void readyz(res, { ...deps.readiness, isDraining: () => draining });
      return;
    }
    if (!url.startsWith("/trpc/")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Not found" }));
      return;
    }
    if (draining) res.setHeader("connection", "close");
    inFlight++;
    const started = performance.now();
    // One span per HTTP request (a tRPC batch's procedures are its children), continuing the
    // caller's trace when it sent a traceparent.
    const path = url.split("?")[0];
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      `${req.method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": req.method ?? "", "url.path": path ?? "" },
      },
      parent,
    );
    if (span.isRecording()) res.setHeader("x-trace-id", span.spanContext().traceId);
    res.on("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
      span.setAttribute("http.response.status_code", res.statusCode);
      span.end();
      deps.log.info(
        {
          reqId: requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          aborted: !res.writableFinished,
        },
        "request",
      );
    });
    context.with(trace.setSpan(parent, span), () => runInRequestScope(() => trpc(req, res)));
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port: number, host: string) {
      return new Promise<number>((resolve) => {
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      });
    },
    /**
     * Stop accepting, let in-flight requests finish (closing idle keep-alive sockets so
     * clients reconnect elsewhere), and cut whatever is left when the deadline passes.
     */
    async drain(timeoutMs: number) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const finished =
        inFlight === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              idle = resolve;
            });
      const deadline = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), timeoutMs).unref(),
      );
      const outcome = await Promise.race([finished.then(() => "done" as const), deadline]);
      server.closeAllConnections();
      await closed;
      return { outcome, abandoned: inFlight };
    },
  };
}
