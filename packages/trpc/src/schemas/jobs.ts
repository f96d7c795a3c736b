import { RUN_STATUSES } from "@brisk/jobs";
import { z } from "zod";

// The executor's run ids are UUIDs; Inngest's are ULIDs: bounded text, either way.
const runIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "A run id is letters, digits and dashes");

export const listJobsInput = z.object({
  // A function's id, as `JOB_DEFINITIONS` names them (`send-welcome-email`).
  function: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9-]+$/, "A function id is lower-case letters, digits and dashes")
    .optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const jobByIdInput = z.object({ id: runIdSchema });
export const retryJobInput = z.object({ id: runIdSchema });
export const cancelJobInput = z.object({ id: runIdSchema });
