import { afterAll, beforeAll, inject } from "vitest";
import { createDb, type DbHandle, type QueryHook } from "../client";
import { createTestDatabase } from "./postgres";
import { TEMPLATE_URL } from "./provided";

export interface TestDatabase {
  url: string;
  handle: DbHandle;
  /** Every SQL statement sent since the last `resetStatements()`, by `handle` or any pool given `record`. */
  statements: string[];
  resetStatements(): void;
  /** A pool's `onQuery` hook that adds to `statements`. */
  record: QueryHook;
}

/**
 * A database of this test file's own, cloned from the migrated template, with a pool whose
 * statements are recorded so tests can assert how many a procedure issues.
 */
export function useTestDatabase(): TestDatabase {
  const statements: string[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  const record: QueryHook = (statement) => {
    statements.push(statement);
  };
  const state = {
    statements,
    resetStatements: () => {
      statements.length = 0;
    },
    record,
  } as TestDatabase;

  beforeAll(async () => {
    const database = await createTestDatabase(inject(TEMPLATE_URL));
    const handle = createDb({
      url: database.url,
      pool: { max: 10, warm: 0 },
      onQuery: record,
    });
    state.url = database.url;
    state.handle = handle;
    cleanup = async () => {
      await handle.close();
      await database.drop();
    };
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return state;
}
