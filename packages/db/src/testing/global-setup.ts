import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./postgres";
import { TEMPLATE_URL } from "./provided";

/**
 * Vitest global setup: reuse the run's Postgres when `pnpm test` started one, or start one
 * for this package alone (`pnpm --filter X test`).
 */
export default async function setup(project: TestProject) {
  const shared = process.env.TEST_DATABASE_URL;
  if (shared) {
    project.provide(TEMPLATE_URL, shared);
    return;
  }
  const pg = await startTestPostgres();
  project.provide(TEMPLATE_URL, pg.templateUrl);
  return () => pg.stop();
}
