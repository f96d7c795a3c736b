/**
 * The one import for internal TypeScript clients (scripts, services, the dashboard's client
 * components, the load generator). Only types come from @brisk/trpc: at run time this module
 * is @trpc/client and nothing else, which a test asserts by bundling it.
 */

import type { AppRouter } from "@brisk/trpc";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

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

export function createBriskClient(options: BriskClientOptions): BriskClient {
  const { token, headers = {} } = options;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        headers: () => {
          const given = typeof headers === "function" ? headers() : headers;
          if (!token) return given;
          // The token is what was asked for: it replaces an Authorization header given too.
          const rest = Object.entries(given).filter(
            ([name]) => name.toLowerCase() !== "authorization",
          );
          return { ...Object.fromEntries(rest), authorization: `Bearer ${token}` };
        },
        maxItems: options.maxBatchSize ?? 50,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}
