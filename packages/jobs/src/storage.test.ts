import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, isStorageKey, type MediaStorage } from "./storage";

let dir: string;
let s3rver: S3rver;
const stores: Record<"directory" | "s3", MediaStorage> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "brisk-storage-"));
  const publicBaseUrl = "https://api.example/";
  stores.directory = createStorage({ dir: path.join(dir, "media"), publicBaseUrl });
  // S3 cannot be reached from here: s3rver speaks its HTTP API over a directory of its own.
  s3rver = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: path.join(dir, "s3"),
    configureBuckets: [{ name: "brisk-media", configs: [] }],
  });
  const { port } = await s3rver.run();
  stores.s3 = createStorage({
    publicBaseUrl,
    s3: {
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      bucket: "brisk-media",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    },
  });
});
afterAll(async () => {
  await s3rver?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(["directory", "s3"] as const)("%s storage", (kind) => {
  const storage = () => stores[kind];

  it("gives back what was put, with its content type, and a URL under /media", async () => {
    await storage().put("abc-160.webp", Buffer.from("webp bytes"), "image/webp");
    expect(await storage().get("abc-160.webp")).toEqual({
      bytes: Buffer.from("webp bytes"),
      contentType: "image/webp",
    });
    expect(storage().url("abc-160.webp")).toBe("https://api.example/media/abc-160.webp");
  });

  it("has nothing for an unknown key", async () => {
    expect(await storage().get("missing.png")).toBeUndefined();
  });

  it.each(["../x.png", "a/b.png", ".hidden.png", "..png", "", "A.PNG", "x.png\0"])(
    "refuses the key %j",
    async (key) => {
      expect(isStorageKey(key)).toBe(false);
      await expect(storage().put(key, Buffer.from("x"), "image/png")).rejects.toThrow(
        /storage key/,
      );
      expect(await storage().get(key)).toBeUndefined();
    },
  );

  it("refuses a key whose extension is not its content type's", async () => {
    await expect(storage().put("x.png", Buffer.from("x"), "image/webp")).rejects.toThrow(
      /extension/,
    );
  });
});

it("renames the directory store's temporary file into place, leaving nothing beside it", async () => {
  await stores.directory.put("whole.png", Buffer.from("png bytes"), "image/png");
  expect((await readdir(path.join(dir, "media"))).sort()).toEqual(["abc-160.webp", "whole.png"]);
});
