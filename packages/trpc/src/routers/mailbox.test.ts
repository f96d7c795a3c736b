import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { fieldErrors, useTestRuntime } from "../testing";

const database = useTestDatabase();
const { caller, signIn } = useTestRuntime(database);

/** Demo user 1 is an admin, 2 a member: the rules themselves are tested in apps/api. */
let asAdmin: Awaited<ReturnType<typeof signIn>>;
let asMember: Awaited<ReturnType<typeof signIn>>;
const ids: number[] = [];

beforeAll(async () => {
  await seed(database.handle.sql, { users: 3, postsPerUser: 1, demo: true });
  asAdmin = await signIn(1);
  asMember = await signIn(2);
  // Written as the dev mailbox writes them: oldest first, so the last is the newest.
  for (let i = 1; i <= 5; i++) {
    const [row] = await database.handle.sql<{ id: number }[]>`
      insert into emails ("to", subject, text, html, kind, status, sent_at)
      values (${`user${i}@example.com`}, ${`Subject ${i}`}, ${`Text ${i}`},
              ${i === 5 ? null : `<p>Hello ${i}</p>`}, 'welcome', 'sent', now())
      returning id::int as id`;
    ids.push(row!.id);
  }
});

describe("mailbox.list", () => {
  it("lists the newest first, a page at a time, without the bodies", async () => {
    const first = await asAdmin().mailbox.list({ limit: 2 });
    expect(first.items.map((e) => e.subject)).toEqual(["Subject 5", "Subject 4"]);
    expect(first.items[0]).toEqual({
      id: ids[4],
      to: "user5@example.com",
      subject: "Subject 5",
      kind: "welcome",
      status: "sent",
      createdAt: expect.any(Date),
      sentAt: expect.any(Date),
    });
    const second = await asAdmin().mailbox.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map((e) => e.subject)).toEqual(["Subject 3", "Subject 2"]);
    const last = await asAdmin().mailbox.list({ limit: 2, cursor: second.nextCursor });
    expect(last).toEqual({
      items: [expect.objectContaining({ subject: "Subject 1" })],
      nextCursor: null,
    });
  });

  it("refuses a page size out of bounds and a malformed cursor", async () => {
    expect(await fieldErrors(asAdmin().mailbox.list({ limit: 101 }))).toHaveProperty("limit");
    expect(await fieldErrors(asAdmin().mailbox.list({ cursor: -1 }))).toHaveProperty("cursor");
  });

  it("is for admins: a member is refused, an anonymous caller told to sign in", async () => {
    await expect(asMember().mailbox.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller().mailbox.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("mailbox.byId", () => {
  it("gives one email with its text and HTML", async () => {
    expect(await asAdmin().mailbox.byId({ id: ids[0]! })).toEqual({
      id: ids[0],
      to: "user1@example.com",
      subject: "Subject 1",
      kind: "welcome",
      status: "sent",
      createdAt: expect.any(Date),
      sentAt: expect.any(Date),
      text: "Text 1",
      html: "<p>Hello 1</p>",
    });
    expect(await asAdmin().mailbox.byId({ id: ids[4]! })).toMatchObject({ html: null });
  });

  it("is a 404 for an id with no email", async () => {
    await expect(asAdmin().mailbox.byId({ id: 999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No email with id 999999",
    });
  });

  it("is for admins", async () => {
    await expect(asMember().mailbox.byId({ id: ids[0]! })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
