/**
 * A figure a fault test measured, printed for the note and docs/OPERATIONS.md (the
 * assertions hold the bounds; this is what the run actually saw).
 */
export function note(what: string, ...figures: unknown[]) {
  const details = figures.map((f) => (typeof f === "string" ? f : JSON.stringify(f)));
  process.stdout.write(`[faults] ${[what, ...details].join(" ")}\n`);
}
