import { defaultShouldDehydrateQuery, isServer, QueryClient } from "@tanstack/react-query";

/** The HTTP status a tRPC error came with, when it came from the api over HTTP. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data = (error as { data?: { httpStatus?: unknown } | null }).data;
  return typeof data?.httpStatus === "number" ? data.httpStatus : undefined;
}

/** One per request on the server, one per tab in the browser. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Data hydrated from the server stays fresh long enough not to be fetched again at once.
        staleTime: 30 * 1000,
        // In process on the server a failure is final (the page shows it at once). In the
        // browser: no retry for a 4xx, which would fail the same way again; two otherwise.
        retry: (failureCount, error) => {
          if (isServer) return false;
          const status = httpStatusOf(error);
          if (status !== undefined && status >= 400 && status < 500) return false;
          return failureCount < 2;
        },
      },
      dehydrate: {
        // Pending queries travel too, so a prefetch that is not awaited still streams.
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
        // Next detects dynamic rendering by errors it throws and redacts errors with digests
        // itself, so errors must reach it untouched.
        shouldRedactErrors: () => false,
      },
    },
  });
}
