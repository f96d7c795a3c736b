import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../embedded";
import { runMigrations } from "../migrate";

const TEMPLATE = "brisk_template";

/**
 * One embedded Postgres per test run, with a migrated template database. Each test file
 * clones the template (CREATE DATABASE … TEMPLATE is a file copy: milliseconds), so files
 * are isolated and never see each other's rows.
 */
export async function startTestPostgres(log?: (line: string) => void) {
  const dataDir = path.join(os.tmpdir(), `brisk-test-pg-${randomBytes(4).toString("hex")}`);
  const pg = await startEmbeddedPostgres({ dataDir, persistent: false, log });
  const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE}`);
  await admin.end();
  await runMigrations(pg.urlFor(TEMPLATE));
  return { templateUrl: pg.urlFor(TEMPLATE), stop: pg.stop };
}

/** A fresh database cloned from the template that `templateUrl` names. */
export async function createTestDatabase(templateUrl: string) {
  const url = new URL(templateUrl);
  const template = url.pathname.slice(1);
  const name = `test_${randomBytes(6).toString("hex")}`;
  url.pathname = "/postgres";
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
