"use client";

import { useQueryErrorResetBoundary } from "@tanstack/react-query";
import { ErrorPanel } from "@/components/error-panel";

export default function JobRunError({ error, retry }: { error: unknown; retry: () => void }) {
  // Lets a query that failed in the browser fetch again instead of rethrowing at once.
  const { reset } = useQueryErrorResetBoundary();
  return (
    <ErrorPanel
      title="Could not load this run"
      error={error}
      onRetry={() => {
        reset();
        retry();
      }}
    />
  );
}
