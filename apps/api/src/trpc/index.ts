// What other workspace packages may import from apps/api: the router and how to build its
// context. The dashboard's server components use these to call procedures in process.

export type { Cache, CacheSettings } from "../cache";
export { buildCache } from "../cache";
export type { Logger } from "../logger";
export { createLogger } from "../logger";
export type { Context } from "./context";
export { createContextFactory } from "./context";
export { createCallerFactory } from "./init";
export type { AppRouter } from "./router";
export { appRouter } from "./router";
