"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";
import ui from "@/components/ui.module.css";

export default function PostError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not load this post" error={error} onRetry={() => retry()}>
      <Link href="/posts" className={clsx(ui.button, ui.buttonSecondary)}>
        Back to Posts
      </Link>
    </ErrorPanel>
  );
}
