"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";
import ui from "@/components/ui.module.css";

/** The editor pages' boundary; the list has its own in (list)/error.tsx. */
export default function PostEditorError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not open the editor" error={error} onRetry={() => retry()}>
      <Link href="/posts" className={clsx(ui.button, ui.buttonSecondary)}>
        Back to Posts
      </Link>
    </ErrorPanel>
  );
}
