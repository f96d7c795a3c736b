import { z } from "zod";
import { mediaIdSchema, postIdSchema, tagIdSchema, userIdSchema } from "./ids";
import { storedText } from "./text";

const postStatusSchema = z.enum(["draft", "published"]);

// The last instant a cursor may name: later years are not ISO dates Postgres reads.
const LAST_CURSOR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// An opaque keyset cursor: "<created_at epoch ms>.<id>".
const postCursorSchema = z
  .string()
  .max(40)
  .regex(/^\d{1,15}\.\d{1,10}$/, "Malformed cursor")
  .transform((value) => {
    const [ms, id] = value.split(".");
    return { createdAt: new Date(Number(ms)), id: Number(id) };
  })
  // Digits the pattern lets through but Postgres would refuse: an id past int4, a later year.
  .refine(
    (cursor) => cursor.id <= 2_147_483_647 && cursor.createdAt.getTime() <= LAST_CURSOR_MS,
    "Malformed cursor",
  );

export function encodePostCursor(cursor: { createdAt: Date; id: number } | null) {
  return cursor ? `${cursor.createdAt.getTime()}.${cursor.id}` : null;
}

export const listPostsInput = z.object({
  authorId: userIdSchema.optional(),
  tag: z
    .string()
    .max(64)
    .regex(/^[a-z0-9-]+$/, "A tag slug is lowercase letters, digits and dashes")
    .optional(),
  status: postStatusSchema.optional(),
  cursor: postCursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(20),
});

export const postByIdInput = z.object({ id: postIdSchema });

const title = storedText().trim().min(1, "A title is required").max(200);
const body = storedText().max(100_000, "The body is limited to 100,000 characters");
const tagIds = z
  .array(tagIdSchema)
  .max(10, "At most 10 tags")
  .transform((ids) => [...new Set(ids)]);

export const createPostInput = z.object({
  // The caller is the author; only an admin may name someone else.
  authorId: userIdSchema.optional(),
  title,
  body,
  status: postStatusSchema.default("draft"),
  tagIds: tagIds.default([]),
  coverMediaId: mediaIdSchema.nullish(),
});

export const updatePostInput = z.object({
  id: postIdSchema,
  title: title.optional(),
  body: body.optional(),
  status: postStatusSchema.optional(),
  tagIds: tagIds.optional(),
  coverMediaId: mediaIdSchema.nullish(),
});

export const deletePostInput = z.object({ id: postIdSchema });
