import { z } from "zod";
import { emailIdSchema } from "./ids";

export const listMailboxInput = z.object({
  // The id of the last email of the previous page (the answer's `nextCursor`).
  cursor: emailIdSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const mailboxByIdInput = z.object({ id: emailIdSchema });
