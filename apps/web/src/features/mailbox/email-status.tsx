import { clsx } from "clsx";
import ui from "@/components/ui.module.css";

const TONE = { sent: ui.badgePublished, queued: ui.badgeDraft, failed: ui.badgeError } as const;

/** Where an email stands: sent, still queued, or failed to go out. */
export function EmailStatus({ status }: { status: keyof typeof TONE }) {
  return <span className={clsx(ui.badge, TONE[status])}>{status}</span>;
}
