/**
 * The time one procedure call may take before the client is told to retry (503). A write
 * and the deadline race for one claim, so a write the client was told failed never commits,
 * and a write that is committing is never reported as failed.
 */
export class Deadline {
  readonly expiresAt: number;
  private state: "open" | "committing" | "committed" | "expired" = "open";

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.expiresAt = now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.now());
  }

  /** A write is about to COMMIT: true if it may. */
  claimCommit(): boolean {
    if (this.state !== "open") return false;
    this.state = "committing";
    return true;
  }

  /** The write's COMMIT answered: what the call says next must not read as a failed write. */
  committed(): void {
    if (this.state === "committing") this.state = "committed";
  }

  /**
   * What became of the call's write when the database went away: none was begun (or it was
   * refused before its COMMIT), its COMMIT was sent with no answer (it may have landed), or
   * it committed (only what followed failed).
   */
  writeOutcome(): "none" | "unknown" | "saved" {
    return this.state === "committing" ? "unknown" : this.state === "committed" ? "saved" : "none";
  }

  /** The deadline fired: true if the call may be answered with 503 now. */
  claimExpiry(): boolean {
    if (this.state !== "open") return false;
    this.state = "expired";
    return true;
  }
}
