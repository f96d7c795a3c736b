"use client";

import { ErrorPanel } from "@/components/error-panel";

export default function AccountError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel title="Could not load your account" error={error} onRetry={() => retry()} />;
}
