"use client";

import { type AppRouter, type BriskClient, createBriskClient } from "@brisk/api-contract";
import { isServer, type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let browserQueryClient: { owner: string; client: QueryClient } | undefined;

function getQueryClient(owner: string) {
  // On the server: a new client per render, so no data leaks between requests.
  if (isServer) return makeQueryClient();
  // In the browser: one per tab and user, kept even if React suspends during the first
  // render. Signing in or out starts an empty one: drafts and emails one user was shown stay
  // out of the next one's pages, and nothing fetched as someone else is taken for fresh.
  if (browserQueryClient?.owner !== owner) {
    browserQueryClient = { owner, client: makeQueryClient() };
  }
  return browserQueryClient.client;
}

/**
 * SSR of client components never fetches: server components run the query in process and
 * hydrate it, so there is nothing left to fetch. Should a query slip through unprefetched, this
 * fails it at once and React finishes that part of the page in the browser instead.
 */
const refuseOnServer: typeof fetch = () =>
  Promise.reject(
    new Error(
      "tRPC over HTTP is not used while server-rendering; prefetch in the server component",
    ),
  );

function makeTrpcClient(): BriskClient {
  if (isServer) return createBriskClient({ url: "http://ssr.invalid/trpc", fetch: refuseOnServer });
  // Same origin: src/app/trpc/[...path]/route.ts forwards /trpc/* to apps/api, so no CORS.
  return createBriskClient({ url: "/trpc" });
}

/** `owner` names whose data the browser's cache holds: the signed-in user, or "anonymous". */
export function TRPCReactProvider({ owner, children }: { owner: string; children: ReactNode }) {
  const queryClient = getQueryClient(owner);
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
