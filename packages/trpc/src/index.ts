// The router and the runtime both hosts run it on: apps/api serves it over HTTP, the
// dashboard's server components and actions call it in process.

export { crossSiteRefusal, isAdmin } from "./auth/access";
export type { Context } from "./context";
export type { Logger } from "./logger";
export { pageReads } from "./page-reads";
export {
  clientAddress,
  nextRequest,
  nodeRequest,
  type RequestInfo,
  requestId,
} from "./request";
export { type AppRouter, appRouter, createCaller } from "./router";
export { createRuntime, type Runtime, type RuntimeConfig } from "./runtime";
export { PASSWORD_MIN } from "./schemas/auth";
export { RecentTraces } from "./telemetry/recent-traces";
export { serverTiming, withRequestTiming } from "./telemetry/request-scope";
export { startTracing, tracer } from "./telemetry/tracing";
export { RETRY_AFTER_S } from "./unavailable";
