import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { fieldErrors, useTestRuntime } from "../testing";

const database = useTestDatabase();
const { caller, signIn } = useTestRuntime(database);

beforeAll(async () => {
  await seed(database.handle.sql, { users: 120, postsPerUser: 12, demo: true });
});

/** Writes are an admin's (demo user 1): the rules themselves are tested in apps/api. */
let asAdmin: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  asAdmin = await signIn(1);
});

describe("users.list", () => {
  it.each([1, 10, 100])("loads %i users with their posts in one statement", async (limit) => {
    database.resetStatements();
    const page = await caller().users.list({ limit, postsPerUser: 10 });
    expect(page.items).toHaveLength(limit);
    expect(database.statements).toHaveLength(1);
    for (const user of page.items) expect(user.posts).toHaveLength(10);
  });

  it("returns each user's latest published posts, newest first", async () => {
    const page = await caller().users.list({ limit: 5, postsPerUser: 20 });
    const demo = page.items[0]!;
    expect(demo.name).toBe("Avery Admin");
    // Demo authors have 12 posts of which the two "Draft:" titles are drafts.
    expect(demo.posts).toHaveLength(10);
    expect(demo.posts.every((p) => !p.title.startsWith("Draft"))).toBe(true);
    const times = demo.posts.map((p) => p.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("walks every user exactly once with the cursor", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await caller().users.list({ limit: 50, postsPerUser: 0, cursor });
      seen.push(...page.items.map((u) => u.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(124);
    expect(new Set(seen).size).toBe(124);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("rejects out-of-bounds input with field messages", async () => {
    expect(await fieldErrors(caller().users.list({ limit: 1_000, postsPerUser: -1 }))).toEqual({
      limit: ["Too big: expected number to be <=100"],
      postsPerUser: ["Too small: expected number to be >=0"],
    });
  });
});

describe("users.byId", () => {
  it("returns the user with posts in one statement", async () => {
    database.resetStatements();
    const user = await caller().users.byId({ id: 2 });
    expect(user).toMatchObject({ id: 2, name: "Morgan Member" });
    expect(user.posts.length).toBeGreaterThan(0);
    expect(database.statements).toHaveLength(1);
  });

  it("shows the email to that user and admins only", async () => {
    const asMember = await signIn(2);
    const asOtherMember = await signIn(3);
    expect(await caller().users.byId({ id: 2 })).not.toHaveProperty("email");
    expect(await asOtherMember().users.byId({ id: 2 })).not.toHaveProperty("email");
    expect(await asMember().users.byId({ id: 2 })).toMatchObject({ email: "member@brisk.dev" });
    expect(await asAdmin().users.byId({ id: 2 })).toMatchObject({ email: "member@brisk.dev" });
  });

  it("batches 20 lookups in one request into one statement", async () => {
    const oneRequest = caller();
    database.resetStatements();
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const users = await Promise.all(ids.map((id) => oneRequest.users.byId({ id, postsLimit: 3 })));
    expect(users.map((u) => u.id)).toEqual(ids);
    expect(users.every((u) => u.posts.length === 3)).toBe(true);
    // Users and their posts come from a single statement (a lateral join), not two.
    expect(database.statements).toHaveLength(1);
  });

  it("keeps each call's own posts limit inside one batch", async () => {
    const oneRequest = caller();
    const [few, many] = await Promise.all([
      oneRequest.users.byId({ id: 5, postsLimit: 2 }),
      oneRequest.users.byId({ id: 5, postsLimit: 10 }),
    ]);
    expect(few.posts).toHaveLength(2);
    expect(many.posts).toHaveLength(10);
  });

  it("never shares a loader between requests", async () => {
    database.resetStatements();
    await caller().users.byId({ id: 7 });
    await database.handle.sql`update users set name = 'Renamed Seven' where id = 7`;
    const fresh = await caller().users.byId({ id: 7 });
    expect(fresh.name).toBe("Renamed Seven");
    expect(database.statements.filter((s) => s.includes('from "users"'))).toHaveLength(2);
  });

  it("answers NOT_FOUND for an unknown id", async () => {
    await expect(caller().users.byId({ id: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("users.update", () => {
  it("renames a user, trimmed", async () => {
    expect(await asAdmin().users.update({ id: 9, name: "  Nine Renamed " })).toEqual({
      id: 9,
      name: "Nine Renamed",
    });
    expect((await caller().users.byId({ id: 9 })).name).toBe("Nine Renamed");
  });

  it("answers NOT_FOUND for an unknown id, and a field message for an empty name", async () => {
    await expect(asAdmin().users.update({ id: 999_999, name: "Nobody" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user with id 999999",
    });
    expect(await fieldErrors(asAdmin().users.update({ id: 9, name: " " }))).toEqual({
      name: ["A name is required"],
    });
  });
});

describe("users.update: who may rename", () => {
  it("a member renames themselves and nobody else; anonymous callers nobody", async () => {
    const asMember = await signIn(3);
    expect(await asMember().users.update({ id: 3, name: "Rin T." })).toEqual({
      id: 3,
      name: "Rin T.",
    });
    expect(await asMember().auth.me()).toMatchObject({ id: 3, name: "Rin T." });
    await expect(asMember().users.update({ id: 4, name: "Renamed by Rin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "You can only rename yourself.",
    });
    await expect(caller().users.update({ id: 4, name: "Renamed by nobody" })).rejects.toMatchObject(
      { code: "UNAUTHORIZED" },
    );
    expect((await caller().users.byId({ id: 4 })).name).toBe("Sol Marquez");
  });
});

describe("users.setRole", () => {
  it("is an admin's: a promoted member acts as an admin at once, and can be demoted", async () => {
    const asSol = await signIn(4);
    await expect(asSol().apiKeys.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await asAdmin().users.setRole({ id: 4, role: "admin" })).toMatchObject({
      id: 4,
      role: "admin",
    });
    expect(Array.isArray(await asSol().apiKeys.list())).toBe(true);
    expect(await asAdmin().users.setRole({ id: 4, role: "member" })).toMatchObject({
      role: "member",
    });
    await expect(asSol().apiKeys.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses members and anonymous callers", async () => {
    const asMember = await signIn(2);
    await expect(asMember().users.setRole({ id: 2, role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only an admin can do this.",
    });
    await expect(caller().users.setRole({ id: 2, role: "admin" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await asMember().auth.me()).toMatchObject({ role: "member" });
  });

  it("does not let an admin demote themselves", async () => {
    await expect(asAdmin().users.setRole({ id: 1, role: "member" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "You cannot remove your own admin role: ask another admin.",
    });
    expect(await asAdmin().auth.me()).toMatchObject({ id: 1, role: "admin" });
    await expect(asAdmin().users.setRole({ id: 999_999, role: "admin" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
