import http from "node:http";
import type { Jobs } from "@brisk/jobs";
import {
  type Context,
  type Logger,
  type RequestInfo,
  requestId,
  tracer,
  withRequestTiming,
} from "@brisk/trpc";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { AnyRouter } from "@trpc/server";
import { createReadiness, healthz, type Readiness } from "./health";
import { DEFAULT_HTTP_LIMITS, type HttpLimits, serverOptions } from "./limits";
import { createMediaRoute } from "./media-route";
import { createReportPdfRoute } from "./report-pdf-route";
import { dispatch, type Handler, json, type Route } from "./routes";
import { createTrpcRoute } from "./trpc-route";

export interface ServerDeps {
  router: AnyRouter;
  createContext: (request: RequestInfo) => Context;
  log: Logger;
  /** JSON of a procedure's answer; the runtime's cache keeps it for what it holds. */
  serialize?: ((data: unknown) => string) | undefined;
  readiness: Omit<Readiness, "isDraining">;
  /** Inngest's serve endpoint, mounted at /api/inngest once background jobs exist. */
  inngest?: Handler | undefined;
  /** Uploads and stored media (`POST /media`, `GET /media/<key>`), present with the jobs. */
  media?: Jobs["media"] | undefined;
  /** Share of requests logged with an access line (1: all); failures are always logged. */
  accessLogSample?: number | undefined;
  /** Proxies in front that append to X-Forwarded-For (TRUST_PROXY_HOPS); 0 when absent. */
  trustProxyHops?: number | undefined;
  /** Request bodies above this are refused with 413 (MAX_BODY_BYTES); 1 MiB when absent. */
  maxBodyBytes?: number | undefined;
  /** Timeouts and sizes against slow or oversized requests; DEFAULT_HTTP_LIMITS when absent. */
  limits?: Partial<HttpLimits> | undefined;
}

export function createApiServer(deps: ServerDeps) {
  const accessLogSample = deps.accessLogSample ?? 1;
  let draining = false;
  let inFlight = 0;
  /** Open server-sent event streams (live progress): they never finish on their own. */
  const streams = new Set<http.ServerResponse>();
  let idle: (() => void) | null = null;

  const trpc = createTrpcRoute({
    router: deps.router,
    createContext: deps.createContext,
    log: deps.log,
    serialize: deps.serialize ?? JSON.stringify,
    trustProxyHops: deps.trustProxyHops ?? 0,
    maxBodyBytes: deps.maxBodyBytes ?? 1024 * 1024,
  }).handle;

  const readyz = createReadiness({ ...deps.readiness, isDraining: () => draining });
  const routes: Route[] = [
    { path: "/healthz", methods: ["GET", "HEAD"], handle: (_req, res) => healthz(res) },
    {
      path: "/readyz",
      methods: ["GET", "HEAD"],
      handle: (_req, res) => readyz(res),
    },
    { path: "/trpc/", prefix: true, methods: ["GET", "POST"], traffic: true, handle: trpc },
  ];
  if (deps.media) {
    const media = createMediaRoute({
      media: deps.media,
      createContext: deps.createContext,
      log: deps.log,
      trustProxyHops: deps.trustProxyHops ?? 0,
    });
    routes.push(
      {
        path: "/reports/",
        prefix: true,
        methods: ["GET", "HEAD"],
        traffic: true,
        handle: createReportPdfRoute({
          storage: deps.media.storage,
          createContext: deps.createContext,
          log: deps.log,
          trustProxyHops: deps.trustProxyHops ?? 0,
        }),
      },
      { path: "/media", methods: ["POST"], traffic: true, handle: media.upload },
      {
        path: "/media/",
        prefix: true,
        methods: ["GET", "HEAD"],
        traffic: true,
        handle: media.serve,
      },
    );
  }
  if (deps.inngest) {
    routes.push({
      path: "/api/inngest",
      methods: ["GET", "PUT", "POST"],
      traffic: true,
      handle: deps.inngest,
    });
  }

  /** Application traffic: counted for draining, one span per request, one access log line. */
  function serveTraffic(route: Route, req: http.IncomingMessage, res: http.ServerResponse) {
    if (draining) res.setHeader("connection", "close");
    inFlight++;
    const stream = req.headers.accept?.includes("text/event-stream") ?? false;
    if (stream) streams.add(res);
    const started = performance.now();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // A tRPC batch's procedures are children of this span; a caller's traceparent continues.
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer().startSpan(
      `${req.method} ${path}`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": req.method ?? "", "url.path": path },
      },
      parent,
    );
    if (span.isRecording()) res.setHeader("x-trace-id", span.spanContext().traceId);
    res.on("close", () => {
      inFlight--;
      if (stream) streams.delete(res);
      if (inFlight === 0) idle?.();
      span.setAttribute("http.response.status_code", res.statusCode);
      span.end();
      if (res.statusCode < 500 && Math.random() >= accessLogSample) return;
      deps.log.info(
        {
          reqId: res.getHeader("x-request-id"),
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          aborted: !res.writableFinished,
        },
        "request",
      );
    });
    context.with(withRequestTiming(trace.setSpan(parent, span)), () => route.handle(req, res));
  }

  const limits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  const server = http.createServer(serverOptions(limits), (req, res) => {
    res.setHeader("x-request-id", requestId(req.headers["x-request-id"] as string | undefined));
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const match = dispatch(routes, req.method ?? "GET", path);
    if ("status" in match) {
      if (match.status === 405) {
        res.setHeader("allow", match.allow.join(", "));
        return json(res, 405, { error: `${req.method} is not allowed on ${path}` });
      }
      return json(res, 404, { error: "Not found" });
    }
    if (match.found.traffic) return serveTraffic(match.found, req, res);
    void match.found.handle(req, res);
  });

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
      // An event stream is cut rather than ended: ended, tRPC would send its `return` event
      // and the client would take the subscription as complete. Cut, the client's
      // EventSource reconnects (through the balancer, to another instance) with the last
      // event id it got, and the stream resumes there without a gap.
      for (const res of streams) res.destroy();
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
