/** Postgres's SQLSTATE codes for the constraints a write can break. */
export const FOREIGN_KEY_VIOLATION = "23503";
export const UNIQUE_VIOLATION = "23505";

/**
 * The constraint a failed write broke, if it broke one with this code. Drizzle wraps the
 * driver's error, so the PostgresError is somewhere down the `cause` chain.
 */
export function violatedConstraint(error: unknown, code: string): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const found = e as { code?: string; constraint_name?: string };
    if (found.code === code) return found.constraint_name;
  }
  return undefined;
}
