import styles from "./progress.module.css";

/** "3 of 5 steps, 60 %", or "2 steps" when the job does not say how many it has. */
export function progressText(done: number, total: number): string {
  if (total <= 0) return `${done} ${done === 1 ? "step" : "steps"}`;
  return `${done} of ${total} ${total === 1 ? "step" : "steps"}, ${Math.round((done / total) * 100)} %`;
}

/**
 * How far a run has got, as a bar and its words. Presentational only: the Jobs pages feed it
 * from `jobs.progress`, and so can any page that shows a member's own job (a report).
 */
export function JobProgressBar({
  done,
  total,
  label,
}: {
  done: number;
  total: number;
  /** The step last done (`webp-640`), when there is one. */
  label?: string | null | undefined;
}) {
  const text = progressText(done, total);
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className={styles.progress} data-testid="job-progress">
      <div
        className={styles.track}
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={total > 0 ? total : undefined}
        aria-valuenow={done}
        aria-valuetext={text}
      >
        <div className={styles.fill} style={{ width: `${percent}%` }} />
      </div>
      <span className={styles.caption}>
        {text}
        {label ? ` · ${label}` : ""}
      </span>
    </div>
  );
}
