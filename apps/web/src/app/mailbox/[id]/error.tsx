"use client";

import { clsx } from "clsx";
import Link from "next/link";
import { ErrorPanel } from "@/components/error-panel";
import ui from "@/components/ui.module.css";

export default function EmailError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <ErrorPanel title="Could not load this email" error={error} onRetry={() => retry()}>
      <Link href="/mailbox" className={clsx(ui.button, ui.buttonSecondary)}>
        Back to the mailbox
      </Link>
    </ErrorPanel>
  );
}
