"use client";

import { useQueryErrorResetBoundary } from "@tanstack/react-query";
import { ErrorPanel } from "@/components/error-panel";

export default function JobsError({ error, retry }: { error: unknown; retry: () => void }) {
  // Lets a query that failed in the browser fetch again instead of rethrowing at once.
  const { reset } = useQueryErrorResetBoundary();
  return (
    <ErrorPanel
      title="Could not load the jobs"
      error={error}
      onRetry={() => {
        reset();
        retry();
      }}
    />
  );
}
