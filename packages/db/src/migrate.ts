import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/**
 * Resolved through the package name, so the path holds from source and from the api bundle;
 * and only when called, so bundlers that rewrite `require.resolve` (Next) can import this file.
 */
export function migrationsFolder(): string {
  const pkg = createRequire(import.meta.url).resolve("@brisk/db/package.json");
  return path.join(path.dirname(pkg), "drizzle");
}

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
      await migrate(drizzle(sql), { migrationsFolder: migrationsFolder() });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

let committedMigrations: number | undefined;
function countCommittedMigrations(): number {
  if (committedMigrations === undefined) {
    const journal = path.join(migrationsFolder(), "meta/_journal.json");
    committedMigrations = (JSON.parse(readFileSync(journal, "utf8")).entries as unknown[]).length;
  }
  return committedMigrations;
}

// A database never migrated has no drizzle schema, or no table in it.
const NEVER_MIGRATED = new Set(["3F000", "42P01"]);

/**
 * True when every committed migration has been applied; /readyz asks this. Any other failure
 * (the database unreachable) is thrown: that is not a schema behind the code.
 */
export async function migrationsApplied(sql: postgres.Sql): Promise<boolean> {
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from drizzle.__drizzle_migrations`.catch((error: unknown) => {
    if (NEVER_MIGRATED.has((error as { code?: string }).code ?? "")) return [{ n: 0 }];
    throw error;
  });
  return (rows[0]?.n ?? 0) >= countCommittedMigrations();
}
