"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";
import ui from "@/components/ui.module.css";

export default function AuthorError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not load this author" error={error} onRetry={() => retry()}>
      <Link href="/authors" className={clsx(ui.button, ui.buttonSecondary)}>
        Back to Authors
      </Link>
    </ErrorPanel>
  );
}
