import { z } from "zod";

export const userIdSchema = z.coerce.number().int().positive().max(2_147_483_647);

export const listUsersInput = z.object({
  cursor: userIdSchema.optional(),
  limit: z.number().int().min(1).max(100).default(20),
  postsPerUser: z.number().int().min(0).max(20).default(3),
});
export type ListUsersInput = z.input<typeof listUsersInput>;

export const userByIdInput = z.object({
  id: userIdSchema,
  postsLimit: z.number().int().min(0).max(50).default(10),
});
export type UserByIdInput = z.input<typeof userByIdInput>;
