import { z } from "zod";
import { reportIdSchema, userIdSchema } from "./ids";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A report covers at most a year: what a provider answers for in one call. */
export const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), "Not a calendar date")
  .refine((text) => text >= "2000-01-01" && text <= "2100-12-31", "A date between 2000 and 2100");

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * An author and a range of days (both included, UTC). Without `to`: today; without `from`:
 * the 30 days up to `to`.
 */
export const snapshotInput = z
  .object({ authorId: userIdSchema, from: day.optional(), to: day.optional() })
  .transform(({ authorId, from, to }) => {
    const end = to ?? isoDay(Date.now());
    const start = from ?? isoDay(Date.parse(end) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    return { authorId, from: start, to: end };
  })
  .refine(({ from, to }) => from <= to, { message: "from must not be after to", path: ["from"] })
  .refine(({ from, to }) => (Date.parse(to) - Date.parse(from)) / DAY_MS < MAX_RANGE_DAYS, {
    message: `A range of at most ${MAX_RANGE_DAYS} days`,
    path: ["from"],
  });

/** How a provider's part of a snapshot came to be. */
export const PART_STATUSES = ["ok", "stale", "failed", "timed-out"] as const;
export type PartStatus = (typeof PART_STATUSES)[number];

/**
 * What a report covers: one author's posts, the whole workspace's totals, or a bulk run over
 * every author (a section each). Members order `author` reports of their own posts (authorId
 * defaults to them); admins any. The range as for a snapshot, at most a year.
 */
export const orderReportInput = z
  .object({
    scope: z.enum(["author", "workspace", "bulk"]).default("author"),
    authorId: userIdSchema.optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .transform(({ scope, authorId, from, to }) => {
    const end = to ?? isoDay(Date.now());
    const start = from ?? isoDay(Date.parse(end) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    return { scope, authorId, from: start, to: end };
  })
  .refine(({ scope, authorId }) => scope === "author" || authorId === undefined, {
    message: "A workspace or bulk report covers every author: leave authorId out",
    path: ["authorId"],
  })
  .refine(({ from, to }) => from <= to, { message: "from must not be after to", path: ["from"] })
  .refine(({ from, to }) => (Date.parse(to) - Date.parse(from)) / DAY_MS < MAX_RANGE_DAYS, {
    message: `A range of at most ${MAX_RANGE_DAYS} days`,
    path: ["from"],
  });

export const listReportsInput = z
  .object({
    limit: z.number().int().min(1).max(50).default(20),
    /** The oldest id of the page before: the next page is older. */
    before: reportIdSchema.optional(),
  })
  .default({ limit: 20 });

export const reportByIdInput = z.object({ id: reportIdSchema });

// Output shapes: what the cache checks a value read back from Redis against.
export const authorNumbersOutput = z.object({
  author: z.object({ id: z.number().int(), name: z.string() }),
  posts: z.number().int(),
  published: z.number().int(),
  words: z.number().int(),
  tags: z.array(z.object({ name: z.string(), slug: z.string(), posts: z.number().int() })),
});
