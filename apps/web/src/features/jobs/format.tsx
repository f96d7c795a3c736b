import type { RunStatus } from "@brisk/jobs/runs";
import { clsx } from "clsx";
import ui from "@/components/ui.module.css";

const TONE: Record<string, string | undefined> = {
  completed: ui.badgePublished,
  queued: ui.badgeDraft,
  running: ui.badgeMember,
  failed: ui.badgeError,
  cancelled: undefined,
};

/** Where a run or a step stands, as a badge. */
export function RunStatusBadge({ status }: { status: RunStatus | string }) {
  return (
    <span className={clsx(ui.badge, TONE[status])} data-testid="run-status">
      {status}
    </span>
  );
}

/** How long something took: to the millisecond under a second, then seconds, then minutes. */
export function formatDuration(startedAt: string | null, endedAt: string | null): string {
  if (!startedAt) return "—";
  const ms = (endedAt ? Date.parse(endedAt) : Date.now()) - Date.parse(startedAt);
  if (Number.isNaN(ms) || ms < 0) return "—";
  const text =
    ms < 1_000
      ? `${ms} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms / 60_000)} min`;
  return endedAt ? text : `${text} so far`;
}

/** An error as the SDK serialized it: its name and message. */
export function errorText(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === "string") return error;
  if (typeof error === "object") {
    const { name, message } = error as { name?: unknown; message?: unknown };
    const parts = [name, message].filter((part) => typeof part === "string" && part.length > 0);
    if (parts.length > 0) return parts.join(": ");
  }
  return JSON.stringify(error);
}
