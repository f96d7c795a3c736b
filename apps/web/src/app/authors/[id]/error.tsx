"use client";

import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";

export default function AuthorError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not load this author" error={error} onRetry={() => retry()}>
      <Link href="/authors" className="button button-secondary">
        Back to Authors
      </Link>
    </ErrorPanel>
  );
}
