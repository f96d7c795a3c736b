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

export const jobProgressInput = z
  .object({
    // One run's progress (a run page, a report's bar); all the caller may see when absent.
    runId: runIdSchema.optional(),
    // What the runs work on, as their definitions name it: `media:42`, `report:7`.
    subject: z
      .string()
      .max(100)
      .regex(/^[a-z-]{1,30}:[A-Za-z0-9-]{1,64}$/, "A subject is a kind and an id, as in media:42")
      .optional(),
    // Set by the client when it reconnects (the SSE Last-Event-ID): the last event it got.
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, "lastEventId is the id of an event received before")
      .transform(Number)
      .optional(),
  })
  .optional();
