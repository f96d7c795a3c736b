import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event Brisk sends, with the schema of its data. A write records one through
 * `recordEvent`, which validates it here before it reaches the outbox: a malformed event is a
 * bug caught in the transaction, never a row the relay could not deliver.
 */
export const events = {
  userSignedUp: eventType("user/signed-up", {
    schema: z.object({ userId: z.number().int().positive() }),
  }),
  userInvited: eventType("user/invited", {
    schema: z.object({
      userId: z.number().int().positive(),
      invitationId: z.number().int().positive(),
      /**
       * Who invited: `user:<id>` or `apiKey:<id>`. Keys the invitation job's concurrency, so
       * one inviter's burst waits its turn and leaves room for everyone else's. Optional:
       * events recorded before it existed may still be in an outbox or a queue.
       */
      invitedBy: z
        .string()
        .regex(/^(user|apiKey):[1-9]\d{0,9}$/)
        .optional(),
    }),
  }),
  mediaUploaded: eventType("media/uploaded", {
    schema: z.object({ mediaId: z.number().int().positive() }),
  }),
  reportRequested: eventType("report/requested", {
    schema: z.object({
      reportId: z.number().int().positive(),
      /** `bulk` runs go behind everyone's own reports (priority) and share one lane. */
      scope: z.enum(["author", "workspace", "bulk"]),
      /**
       * Keys the report job's concurrency: `bulk` for every bulk run, so together they hold at
       * most their lane's share of the workers; `report:<id>` for each other report.
       */
      lane: z.string().regex(/^(bulk|report:[1-9]\d{0,9})$/),
    }),
  }),
};

export type BriskEvent = {
  [K in keyof typeof events]: {
    name: (typeof events)[K]["name"];
    data: z.infer<(typeof events)[K]["schema"]>;
  };
}[keyof typeof events];

const byName = new Map<string, z.ZodType>(
  Object.values(events).map((event) => [event.name, event.schema]),
);

/** The event's data checked against its schema; throws for an unknown name or bad data. */
export function parseEvent(event: BriskEvent): BriskEvent {
  const schema = byName.get(event.name);
  if (!schema) throw new Error(`No event is named ${event.name}`);
  return { name: event.name, data: schema.parse(event.data) } as BriskEvent;
}
