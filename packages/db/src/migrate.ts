import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

// Resolved through the package name so the path holds both from source and from a bundle.
export const migrationsFolder = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@brisk/db/package.json")),
  "drizzle",
);

// Any constant shared by every instance; "brisk" in ASCII.
const MIGRATION_LOCK_KEY = 0x627269736b;

/**
 * Applies pending migrations. Safe when several instances start at once: they queue on a
 * session advisory lock, and whoever comes second finds nothing left to apply.
 */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8"));
const committedMigrations: number = journal.entries.length;

/** True when every committed migration has been applied; /readyz asks this. */
export async function migrationsApplied(sql: postgres.Sql): Promise<boolean> {
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`.catch(() => [{ n: 0 }]);
  return (rows[0]?.n ?? 0) >= committedMigrations;
}
