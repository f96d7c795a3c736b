"use client";

import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";

/** The editor pages' boundary; the list has its own in (list)/error.tsx. */
export default function PostEditorError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not open the editor" error={error} onRetry={() => retry()}>
      <Link href="/posts" className="button button-secondary">
        Back to Posts
      </Link>
    </ErrorPanel>
  );
}
