import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { fieldErrors, useTestRuntime } from "../testing";

const database = useTestDatabase();
const { caller, signIn } = useTestRuntime(database);

beforeAll(async () => {
  await seed(database.handle.sql, { users: 5, postsPerUser: 2 });
});

/** Writes are an admin's (demo user 1): the rules themselves are tested in apps/api. */
let asAdmin: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  asAdmin = await signIn(1);
});

describe("tags.list", () => {
  it("lists the 50 tags by name, ignoring case", async () => {
    const tags = await caller().tags.list();
    expect(tags).toHaveLength(50);
    const names = tags.map((t) => t.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });
});

describe("tags.create, update, delete", () => {
  it("creates, renames and deletes a tag, with the colour in lower case", async () => {
    const tag = await asAdmin().tags.create({
      name: " Vectors ",
      slug: "vectors",
      colour: "#AABBCC",
    });
    expect(tag).toMatchObject({ name: "Vectors", slug: "vectors", colour: "#aabbcc" });
    expect(await asAdmin().tags.update({ id: tag.id, name: "Vector search" })).toMatchObject({
      id: tag.id,
      name: "Vector search",
      slug: "vectors",
    });
    expect(await asAdmin().tags.delete({ id: tag.id })).toEqual({ id: tag.id });
    expect((await caller().tags.list()).map((t) => t.id)).not.toContain(tag.id);
  });

  it("refuses a taken slug with CONFLICT, on create and on update", async () => {
    const first = await asAdmin().tags.create({ name: "Once", slug: "once", colour: "#000000" });
    const second = await asAdmin().tags.create({ name: "Twice", slug: "twice", colour: "#000000" });
    await expect(
      asAdmin().tags.create({ name: "Again", slug: "once", colour: "#000000" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "That slug is taken" });
    await expect(asAdmin().tags.update({ id: second.id, slug: first.slug })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "That slug is taken",
    });
    expect((await caller().tags.list()).find((t) => t.id === second.id)?.slug).toBe("twice");
  });

  it("answers NOT_FOUND to update and delete of an unknown tag", async () => {
    await expect(asAdmin().tags.update({ id: 999_999, name: "Ghost" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No tag with id 999999",
    });
    await expect(asAdmin().tags.delete({ id: 999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No tag with id 999999",
    });
  });

  it("tells which field is wrong", async () => {
    expect(
      await fieldErrors(asAdmin().tags.create({ name: "", slug: "Not A Slug", colour: "blue" })),
    ).toEqual({
      name: ["A name is required"],
      slug: ["A slug is lowercase letters and digits, joined by dashes"],
      colour: ["A colour is a hex value like #3b82f6"],
    });
  });
});
