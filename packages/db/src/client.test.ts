import { createTestDatabase } from "@brisk/db/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, dbPoolEnv, poolOptionsFromEnv } from "./client";
import { TEMPLATE_URL } from "./testing/provided";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase(inject(TEMPLATE_URL));
});
afterAll(() => database.drop());

describe("createDb", () => {
  it("opens the warm connections at boot and no more than max", async () => {
    const handle = createDb({
      url: database.url,
      pool: { max: 8, warm: 5 },
      applicationName: "pool-test",
    });
    const countOpen = async () => {
      const [row] = await handle.sql`
        select count(*)::int as n from pg_stat_activity where application_name = 'pool-test'`;
      return row?.n as number;
    };
    try {
      await handle.warm();
      expect(await countOpen()).toBe(5);
      await Promise.all(Array.from({ length: 30 }, () => handle.sql`select pg_sleep(0.05)`));
      expect(await countOpen()).toBeLessThanOrEqual(8);
    } finally {
      await handle.close();
    }
  });

  it("reads pool settings from env with the playbook's defaults", () => {
    expect(poolOptionsFromEnv(dbPoolEnv.parse({}))).toEqual({
      prepare: true,
      max: 50,
      warm: 10,
      connectTimeoutS: 10,
      idleTimeoutS: 600,
      maxLifetimeS: 3_600,
    });
    expect(() => dbPoolEnv.parse({ DB_POOL_MAX: "0" })).toThrow();
    expect(poolOptionsFromEnv(dbPoolEnv.parse({ DB_POOL_MAX: "4", DB_POOL_WARM: "9" })).warm).toBe(
      4,
    );
  });
});
