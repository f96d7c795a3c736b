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
  headers?: Record<string, string> | (() => Record<string, string>);
  fetch?: typeof fetch;
  /** Calls made in the same tick travel in one HTTP request, up to this many. */
  maxBatchSize?: number;
}

export function createBriskClient(options: BriskClientOptions): BriskClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        headers: options.headers ?? {},
        maxItems: options.maxBatchSize ?? 50,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}
