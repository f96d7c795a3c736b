/**
 * The one import for internal TypeScript clients (scripts, services, the dashboard's client
 * components, the load generator). Only types come from @brisk/trpc: at run time this module
 * is @trpc/client (and an EventSource that can send headers) and nothing else, which a test
 * asserts by bundling it.
 */

import type { AppRouter } from "@brisk/trpc";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type BriskClient = TRPCClient<AppRouter>;

export interface BriskClientOptions {
  /** Where tRPC is mounted, for example `http://127.0.0.1:3001/trpc` or `/trpc`. */
  url: string;
  /**
   * A session token or an API key (`bk_…`), sent as `Authorization: Bearer <token>` on every
   * call. Without one the client is anonymous: public reads answer, anything else is 401.
   */
  token?: string;
  headers?: Record<string, string> | (() => Record<string, string>);
  fetch?: typeof fetch;
  /** Calls made in the same tick travel in one HTTP request, up to this many. */
  maxBatchSize?: number;
}

/**
 * Queries and mutations go batched; subscriptions (`jobs.progress`) as server-sent events,
 * which resume from the last event id after a reconnect. The browser's own EventSource cannot
 * send headers, so the `eventsource` package's is used everywhere: it runs on `fetch`, which
 * carries the bearer token (Node) or the session cookie (the dashboard, same origin) alike.
 */
export function createBriskClient(options: BriskClientOptions): BriskClient {
  const { token, headers = {} } = options;
  const headersOf = () => {
    const given = typeof headers === "function" ? headers() : headers;
    if (!token) return given;
    // The token is what was asked for: it replaces an Authorization header given too.
    const rest = Object.entries(given).filter(([name]) => name.toLowerCase() !== "authorization");
    return { ...Object.fromEntries(rest), authorization: `Bearer ${token}` };
  };
  const fetchWith = options.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: options.url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetchWith(input, { ...init, headers: { ...init?.headers, ...headersOf() } }),
          }),
        }),
        false: httpBatchLink({
          url: options.url,
          headers: headersOf,
          maxItems: options.maxBatchSize ?? 50,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      }),
    ],
  });
}
