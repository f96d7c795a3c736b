import "server-only";
import { appRouter, createCaller } from "@brisk/trpc";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { cache, type ReactNode } from "react";
import { currentRequest } from "@/server/request";
import { getRuntime } from "@/server/runtime";
import { makeQueryClient } from "./query-client";

/**
 * Server components call the router IN PROCESS: the same procedures apps/api serves, with a
 * context built the same way from the request, but no HTTP hop. Only client components go
 * over HTTP (via /trpc).
 */

/** One context per request (React cache() is scoped to a single server render). */
export const createContext = cache(async () => getRuntime().createContext(await currentRequest()));

/** One QueryClient per request, shared by every server component of that render. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** For server components and actions that need the data themselves, not for the client. */
export async function serverCaller() {
  return createCaller(await createContext());
}

/** Hands everything prefetched so far to the client components below it. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/**
 * Runs a query in process and stores the result in this request's QueryClient (tRPC's
 * App Router `prefetch` helper, but awaited: render <HydrateClient> only after it resolves).
 * Errors stay in the cache, not thrown: a page that cannot render without the data reads
 * getQueryClient().getQueryState(key)?.error and throws it to its error.tsx (see /authors).
 */
// biome-ignore lint/suspicious/noExplicitAny: accepts the options of any procedure
export async function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(
  queryOptions: T,
): Promise<void> {
  const queryClient = getQueryClient();
  if (queryOptions.queryKey[1]?.type === "infinite") {
    // biome-ignore lint/suspicious/noExplicitAny: infinite options carry their own page params
    await queryClient.prefetchInfiniteQuery(queryOptions as any);
  } else {
    await queryClient.prefetchQuery(queryOptions);
  }
}
