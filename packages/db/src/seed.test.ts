import { createTestDatabase } from "@brisk/db/testing";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { seed } from "./seed";
import { TEMPLATE_URL } from "./testing/provided";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function freshDatabase() {
  const database = await createTestDatabase(inject(TEMPLATE_URL));
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  cleanups.push(async () => {
    await sql.end();
    await database.drop();
  });
  return sql;
}

// A digest of every row, so two databases can be compared for equality in one value.
async function digest(sql: postgres.Sql) {
  const [row] = await sql`
    select
      (select md5(string_agg(concat_ws('|', id, name, email, role, password_hash, created_at), ',' order by id)) from users) as users,
      (select md5(string_agg(concat_ws('|', id, author_id, title, body, status, created_at), ',' order by id)) from posts) as posts,
      (select md5(string_agg(concat_ws('|', post_id, tag_id), ',' order by post_id, tag_id)) from post_tags) as post_tags`;
  return row;
}

describe("seed", () => {
  it("builds exactly the dataset asked for, deterministically", async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    const result = await seed(a, { users: 200, postsPerUser: 10 });
    await seed(b, { users: 200, postsPerUser: 10 });
    expect(result).toEqual({ seeded: true, users: 200, posts: 2_000, tags: 50 });

    const perUser = await a`select count(*)::int as n from posts group by author_id`;
    expect(perUser).toHaveLength(200);
    expect(perUser.every((r) => r.n === 10)).toBe(true);
    const [sizes] = await a`
      select avg(length(title))::int as title, avg(length(body))::int as body from posts`;
    expect(sizes?.title).toBeGreaterThan(30);
    expect(sizes?.title).toBeLessThan(50);
    expect(sizes?.body).toBe(400);
    expect(await digest(a)).toEqual(await digest(b));
  });

  it("does nothing on a database that already has users", async () => {
    const sql = await freshDatabase();
    await seed(sql, { users: 10, demo: true });
    const again = await seed(sql, { users: 10, demo: true });
    expect(again.seeded).toBe(false);
    const [count] = await sql`select count(*)::int as n from users`;
    expect(count?.n).toBe(14);
  });

  it("reports progress up to the total", async () => {
    const sql = await freshDatabase();
    const last = new Map<string, [number, number]>();
    await seed(sql, {
      users: 30,
      onProgress: (step, done, total) => last.set(step, [done, total]),
    });
    expect(last.get("posts")).toEqual([300, 300]);
    expect(last.get("users")).toEqual([30, 30]);
  });
});
