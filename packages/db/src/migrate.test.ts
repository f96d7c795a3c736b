import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import journal from "../drizzle/meta/_journal.json" with { type: "json" };
import { migrationsApplied, runMigrations } from "./migrate";
import { TEMPLATE_URL } from "./testing/provided";

// An empty database, not the migrated template: these tests apply the migrations themselves.
let url: string;
let admin: postgres.Sql;
const name = `migrate_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  const server = new URL(inject(TEMPLATE_URL));
  server.pathname = "/postgres";
  admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  server.pathname = `/${name}`;
  url = server.toString();
});

afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe("migrationsApplied", () => {
  it("throws when the database cannot be reached, rather than calling the schema behind", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const unreachable = postgres("postgres://brisk@127.0.0.1:1/brisk", {
      max: 1,
      connect_timeout: 2,
      onnotice: () => {},
    });
    try {
      await expect(migrationsApplied(unreachable)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await unreachable.end();
    }
  });
});

describe("runMigrations", () => {
  it("is safe when several instances start at once, and idempotent", async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      expect(await migrationsApplied(sql)).toBe(false);
      await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
      await runMigrations(url);
      expect(await migrationsApplied(sql)).toBe(true);
      const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(applied[0]?.n).toBe(journal.entries.length);
      const tables = await sql`
        select table_name from information_schema.tables
        where table_schema = 'public' order by table_name`;
      expect(tables.map((t) => t.table_name)).toEqual([
        "api_keys",
        "emails",
        "invitations",
        "job_progress",
        "media",
        "outbox",
        "post_tags",
        "posts",
        "reports",
        "sessions",
        "tags",
        "users",
      ]);
    } finally {
      await sql.end();
    }
  });
});
