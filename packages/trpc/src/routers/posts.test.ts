import { seed } from "@brisk/db/seed";
import { useTestDatabase } from "@brisk/db/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { fieldErrors, useTestRuntime } from "../testing";

const database = useTestDatabase();
const { caller, signIn } = useTestRuntime(database);
// The same database served by a process whose media links are absolute (MEDIA_PUBLIC_URL).
const publicMedia = useTestRuntime(database, { mediaPublicUrl: "https://api.example.com/" });

beforeAll(async () => {
  await seed(database.handle.sql, { users: 40, postsPerUser: 10, demo: true });
});

/** Writes are an admin's (demo user 1): the rules themselves are tested in apps/api. */
let asAdmin: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  asAdmin = await signIn(1);
});

describe("posts.list", () => {
  it.each([1, 10, 100])("loads %i posts with author and tags in one statement", async (limit) => {
    database.resetStatements();
    const page = await caller().posts.list({ limit });
    expect(page.items).toHaveLength(limit);
    expect(database.statements).toHaveLength(1);
    for (const post of page.items) {
      expect(post.author.name).toBeTruthy();
      expect(post.tags.length).toBeGreaterThan(0);
    }
  });

  it("filters by tag, author and status", async () => {
    const byTag = await caller().posts.list({ tag: "postgres", limit: 100 });
    expect(byTag.items.length).toBeGreaterThan(0);
    expect(byTag.items.every((p) => p.tags.some((t) => t.slug === "postgres"))).toBe(true);

    const drafts = await asAdmin().posts.list({ authorId: 1, status: "draft" });
    expect(drafts.items.map((p) => p.title)).toEqual([
      "Draft: the case for smaller payloads",
      "Draft: notes on event-loop lag",
    ]);
    expect(drafts.items.every((p) => p.author.id === 1)).toBe(true);
  });

  it("pages with an opaque cursor through every post once, newest first", async () => {
    const seen: { id: number; createdAt: Date }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof caller>["posts"]["list"]>> =
        await asAdmin().posts.list({ limit: 30, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const [count] = await database.handle.sql`select count(*)::int as n from posts`;
    expect(seen).toHaveLength(count?.n);
    expect(new Set(seen.map((p) => p.id)).size).toBe(count?.n);
    // Newest first; posts written in the same instant, highest id first.
    const order = (a: (typeof seen)[number], b: (typeof seen)[number]) =>
      b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;
    expect(seen.map((p) => p.id)).toEqual([...seen].sort(order).map((p) => p.id));
  });

  it("refuses a malformed cursor or tag with a field message", async () => {
    expect(await fieldErrors(caller().posts.list({ cursor: "drop table" }))).toEqual({
      cursor: ["Malformed cursor"],
    });
    expect(await fieldErrors(caller().posts.list({ tag: "Not A Slug" }))).toEqual({
      tag: ["A tag slug is lowercase letters, digits and dashes"],
    });
  });
});

describe("posts.byId", () => {
  it("returns one post with author and tags in one statement", async () => {
    database.resetStatements();
    const post = await caller().posts.byId({ id: 3 });
    expect(post).toMatchObject({ id: 3, author: { id: 1, name: "Avery Admin" } });
    expect(post.body.length).toBeGreaterThan(0);
    expect(database.statements).toHaveLength(1);
  });

  it("answers NOT_FOUND", async () => {
    await expect(caller().posts.byId({ id: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("drafts", () => {
  it("are listed and read by their author and admins; to anyone else they do not exist", async () => {
    const draft = await asAdmin().posts.create({ authorId: 2, title: "Morgan's draft", body: "" });
    const drafts = { authorId: 2, status: "draft" as const, limit: 100 };
    const ids = async (call: ReturnType<typeof caller>) =>
      (await call.posts.list(drafts)).items.map((post) => post.id);

    const asAuthor = await signIn(2);
    const asOtherMember = await signIn(3);
    for (const stranger of [caller(), asOtherMember()]) {
      expect(await ids(stranger)).toEqual([]);
      await expect(stranger.posts.byId({ id: draft.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
    for (const insider of [asAuthor(), asAdmin()]) {
      expect(await ids(insider)).toContain(draft.id);
      expect(await insider.posts.byId({ id: draft.id })).toMatchObject({ status: "draft" });
    }
    // A member's own list holds their drafts and everyone's published posts, nobody's drafts.
    const mixed = await asAuthor().posts.list({ limit: 100 });
    expect(mixed.items.every((p) => p.status === "published" || p.author.id === 2)).toBe(true);
  });
});

describe("posts.create, update, delete", () => {
  it("creates a post with tags, and reads it back", async () => {
    const post = await asAdmin().posts.create({
      authorId: 2,
      title: "  Hello, Brisk  ",
      body: "# Heading\n\nBody.",
      status: "published",
      tagIds: [1, 2, 2],
    });
    expect(post.title).toBe("Hello, Brisk");
    expect(post.tags.map((t) => t.id).sort()).toEqual([1, 2]);
    expect(post.publishedAt).toBeInstanceOf(Date);
    const again = await caller().posts.byId({ id: post.id });
    expect(again.title).toBe("Hello, Brisk");
  });

  it("updates fields and tags, clearing publishedAt when back to draft", async () => {
    const post = await asAdmin().posts.create({ authorId: 2, title: "Draft", body: "" });
    expect(post.status).toBe("draft");
    expect(post.publishedAt).toBeNull();
    const published = await asAdmin().posts.update({
      id: post.id,
      status: "published",
      tagIds: [3],
    });
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect(published.tags.map((t) => t.id)).toEqual([3]);
    const draft = await asAdmin().posts.update({ id: post.id, status: "draft", title: "Renamed" });
    expect(draft).toMatchObject({ title: "Renamed", status: "draft", publishedAt: null });
    expect(draft.tags.map((t) => t.id)).toEqual([3]);
  });

  it("refuses bad input and unknown tags, and saves nothing", async () => {
    const [before] = await database.handle.sql`select count(*)::int as n from posts`;
    await expect(
      asAdmin().posts.create({ authorId: 2, title: "", body: "x" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      asAdmin().posts.create({ authorId: 2, title: "t", body: "x", tagIds: [1, 99_999] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown tag ids: 99999" });
    await expect(
      asAdmin().posts.create({ authorId: 2, title: "t", body: "x".repeat(100_001) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      asAdmin().posts.create({ authorId: 987_654, title: "t", body: "x" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown authorId" });
    await expect(
      asAdmin().posts.create({ authorId: 2, title: "t", body: "x", coverMediaId: 987_654 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown coverMediaId" });
    const [after] = await database.handle.sql`select count(*)::int as n from posts`;
    expect(after?.n).toBe(before?.n);
  });

  it("refuses unknown tags or cover on update, and changes nothing", async () => {
    const post = await asAdmin().posts.create({
      authorId: 2,
      title: "Kept",
      body: "",
      tagIds: [1],
    });
    await expect(
      asAdmin().posts.update({ id: post.id, tagIds: [2, 99_999] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown tag ids: 99999" });
    await expect(
      asAdmin().posts.update({ id: post.id, title: "Changed", coverMediaId: 987_654 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown coverMediaId" });
    const after = await asAdmin().posts.byId({ id: post.id });
    expect(after.title).toBe("Kept");
    expect(after.tags.map((t) => t.id)).toEqual([1]);
  });

  it("tells which field is wrong", async () => {
    expect(
      await fieldErrors(asAdmin().posts.create({ authorId: 2, title: " ", body: "" })),
    ).toEqual({ title: ["A title is required"] });
    expect(
      await fieldErrors(
        asAdmin().posts.update({ id: 1, tagIds: Array.from({ length: 11 }, (_, i) => i + 1) }),
      ),
    ).toEqual({ tagIds: ["At most 10 tags"] });
  });

  it("deletes, then answers NOT_FOUND to update and delete", async () => {
    const post = await asAdmin().posts.create({ authorId: 3, title: "Gone soon", body: "" });
    expect(await asAdmin().posts.delete({ id: post.id })).toEqual({ id: post.id });
    await expect(asAdmin().posts.delete({ id: post.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No post with id ${post.id}`,
    });
    await expect(asAdmin().posts.update({ id: post.id, title: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No post with id ${post.id}`,
    });
  });
});

/** A stored media row as an upload leaves it (the upload itself is tested in apps/api). */
async function insertMedia(ownerId: number, contentType = "image/png") {
  const key = `cover-${ownerId}-${Math.random().toString(36).slice(2)}`;
  const [row] = await database.handle.sql<{ id: number }[]>`
    insert into media (owner_id, content_type, byte_size, width, height, storage_key)
    values (${ownerId}, ${contentType}, 1000, 1600, 900, ${`${key}.png`})
    returning id`;
  return { id: row!.id, key };
}

/** What the thumbnail job does when it is done. */
async function markReady(media: { id: number; key: string }) {
  const thumbnails = {
    160: `${media.key}-160.webp`,
    640: `${media.key}-640.webp`,
    1280: `${media.key}-1280.webp`,
  };
  await database.handle.sql`
    update media set status = 'ready', thumbnails = ${JSON.stringify(thumbnails)}::jsonb
    where id = ${media.id}`;
}

describe("covers", () => {
  it("are images the post's author uploaded; an admin may choose any", async () => {
    const asMorgan = await signIn(2);
    const morgans = await insertMedia(2);
    const rins = await insertMedia(3);
    const morgansPdf = await insertMedia(2, "application/pdf");
    const [before] = await database.handle.sql`select count(*)::int as n from posts`;

    const post = await asMorgan().posts.create({
      title: "Covered",
      body: "",
      coverMediaId: morgans.id,
    });
    expect(post.cover).toEqual({
      id: morgans.id,
      status: "uploaded",
      width: 1600,
      height: 900,
      urls: null,
    });

    const notYours = {
      code: "FORBIDDEN",
      message: "A cover must be an image the post's author uploaded: upload it again here.",
    };
    await expect(
      asMorgan().posts.create({ title: "Borrowed", body: "", coverMediaId: rins.id }),
    ).rejects.toMatchObject(notYours);
    await expect(
      asMorgan().posts.update({ id: post.id, title: "Borrowed", coverMediaId: rins.id }),
    ).rejects.toMatchObject(notYours);
    await expect(
      asMorgan().posts.update({ id: post.id, coverMediaId: morgansPdf.id }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: `Media ${morgansPdf.id} is not an image: choose an uploaded image as the cover.`,
    });
    const unchanged = await asMorgan().posts.byId({ id: post.id });
    expect(unchanged).toMatchObject({ title: "Covered", cover: { id: morgans.id } });
    const [after] = await database.handle.sql`select count(*)::int as n from posts`;
    expect(after?.n).toBe(before!.n + 1);

    // An admin may put anyone's image on anyone's post.
    const byAdmin = await asAdmin().posts.update({ id: post.id, coverMediaId: rins.id });
    expect(byAdmin.cover?.id).toBe(rins.id);
    const created = await asAdmin().posts.create({
      authorId: 2,
      title: "Chosen by an admin",
      body: "",
      coverMediaId: morgans.id,
    });
    expect(created.cover?.id).toBe(morgans.id);

    // The author may save the post with the cover an admin chose, but not choose it again.
    const kept = await asMorgan().posts.update({
      id: post.id,
      title: "Kept",
      coverMediaId: rins.id,
    });
    expect(kept.cover?.id).toBe(rins.id);

    // Removed with null; left alone when not named.
    expect((await asMorgan().posts.update({ id: post.id, coverMediaId: null })).cover).toBeNull();
    expect((await asAdmin().posts.update({ id: created.id, title: "Renamed" })).cover?.id).toBe(
      morgans.id,
    );
  });

  it("are read with their posts in the same statement, with links once thumbnails are ready", async () => {
    const asMorgan = await signIn(2);
    const pending = await insertMedia(2);
    const ready = await insertMedia(2);
    await markReady(ready);
    const withPending = await asMorgan().posts.create({
      title: "Pending cover",
      body: "",
      status: "published",
      coverMediaId: pending.id,
    });
    const withReady = await asMorgan().posts.create({
      title: "Ready cover",
      body: "",
      status: "published",
      coverMediaId: ready.id,
    });

    database.resetStatements();
    const page = await caller().posts.list({ authorId: 2, limit: 100 });
    expect(database.statements).toHaveLength(1);
    const byId = new Map(page.items.map((post) => [post.id, post]));
    expect(byId.get(withPending.id)?.cover).toMatchObject({ status: "uploaded", urls: null });
    expect(byId.get(withReady.id)?.cover).toEqual({
      id: ready.id,
      status: "ready",
      width: 1600,
      height: 900,
      urls: {
        160: `/media/${ready.key}-160.webp`,
        640: `/media/${ready.key}-640.webp`,
        1280: `/media/${ready.key}-1280.webp`,
      },
    });
    expect([...byId.values()].filter((post) => !post.cover).length).toBeGreaterThan(0);

    database.resetStatements();
    const one = await caller().posts.byId({ id: withReady.id });
    expect(database.statements).toHaveLength(1);
    expect(one.cover?.urls?.[640]).toBe(`/media/${ready.key}-640.webp`);

    // No cache stands between the job and the reads: the next read sees it ready.
    await markReady(pending);
    expect((await caller().posts.byId({ id: withPending.id })).cover?.status).toBe("ready");

    // A process with MEDIA_PUBLIC_URL links to the api absolutely.
    const absolute = await publicMedia.caller().posts.byId({ id: withReady.id });
    expect(absolute.cover?.urls?.[160]).toBe(`https://api.example.com/media/${ready.key}-160.webp`);
  });
});
