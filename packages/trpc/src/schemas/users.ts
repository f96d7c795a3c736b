import { z } from "zod";
import { email, name } from "./auth";
import { userIdSchema } from "./ids";
import { storedText } from "./text";

export const listUsersInput = z.object({
  cursor: userIdSchema.optional(),
  limit: z.number().int().min(1).max(100).default(20),
  postsPerUser: z.number().int().min(0).max(20).default(3),
});

export const userByIdInput = z.object({
  id: userIdSchema,
  postsLimit: z.number().int().min(0).max(50).default(10),
});

export const updateUserInput = z.object({
  id: userIdSchema,
  name: storedText().trim().min(1, "A name is required").max(100),
});

/** A member invited by an admin: they set their password from the emailed link. */
export const inviteUserInput = z.object({ name, email });

export const setUserRoleInput = z.object({
  id: userIdSchema,
  role: z.enum(["member", "admin"]),
});

// Output shapes: what the cache checks a value read back from Redis against.
const latestPostOutput = z.object({
  id: z.number().int(),
  title: z.string(),
  body: z.string(),
  createdAt: z.coerce.date(),
});

const userFields = {
  id: z.number().int(),
  name: z.string(),
  role: z.enum(["member", "admin"]),
  createdAt: z.coerce.date(),
};

export const listUsersOutput = z.object({
  items: z.array(z.object({ ...userFields, posts: z.array(latestPostOutput) })),
  nextCursor: z.number().int().nullable(),
});

// Keys in the order the query returns them, so a cached answer is byte-identical JSON. No
// email: everyone may read this; the procedure adds it for the user and admins.
export const userByIdOutput = z.object({ ...userFields, posts: z.array(latestPostOutput) });
