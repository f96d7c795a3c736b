import type { CacheEntry, Dated, RefreshOutcome } from "@brisk/cache";
import { datedSchema } from "@brisk/cache";
import { getUserIdentity } from "@brisk/db/queries/auth";
import {
  authorNumbers,
  getReport,
  insertReport,
  listReports,
  type ReportRow,
} from "@brisk/db/queries/reports";
import { type ReportResult, recordEvent } from "@brisk/jobs";
import {
  type Figures,
  figuresSchema,
  PROVIDER_NAMES,
  ProviderCallError,
  type ProviderName,
  type StatsQuery,
} from "@brisk/providers";
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { TRPCRouterRecord } from "@trpc/server";
import type { z } from "zod";
import { isAdmin, mayActFor, userIdOf } from "../auth/access";
import { scopes } from "../cache-scopes";
import type { Context } from "../context";
import { signedInProcedure, TRPCError } from "../init";
import {
  authorNumbersOutput,
  listReportsInput,
  orderReportInput,
  type PartStatus,
  reportByIdInput,
  snapshotInput,
} from "../schemas/reports";
import { writeWithin } from "../write";

/**
 * An author's own numbers over a range, in the user class (15 min): they change only when the
 * author's posts or name do (the user scope, which post writes invalidate) or a tag is renamed.
 */
const oursEntry = (query: {
  authorId: number;
  from: string;
  to: string;
}): CacheEntry<z.infer<typeof authorNumbersOutput>> => ({
  key: `reports.ours:${query.authorId}:${query.from}:${query.to}`,
  scopes: [scopes.user(query.authorId), scopes.tagsList],
  ttl: "user",
  schema: authorNumbersOutput,
});

/**
 * Kept in the reference class (24 h), fresh for PROVIDERS_FRESH_MS (an hour): when a provider
 * fails, an answer up to a day old is served, marked stale with its age.
 */
const providerEntry = <P extends ProviderName>(
  provider: P,
  query: StatsQuery,
): CacheEntry<Dated<Figures[P]>> => ({
  key: `providers.${provider}:${query.authorId}:${query.from}:${query.to}`,
  scopes: [`providers.${provider}`],
  ttl: "reference",
  schema: datedSchema(figuresSchema(provider)),
});

/** What the margin before the call's own deadline leaves for writing the answer. */
const ANSWER_MARGIN_MS = 100;
/**
 * Each provider call ends by its own timeout; the report's deadline is a backstop past the
 * slowest of them (for a cache lookup that hangs), late enough that a provider's own timeout
 * reports first, with its attempts.
 */
const BACKSTOP_MS = 250;

export interface ProviderPart<P extends ProviderName = ProviderName> {
  status: PartStatus;
  figures: Figures[P] | null;
  /** The answer's age: 0 when just fetched; null when there is none. */
  ageMs: number | null;
  /** Time this part took, cache lookup included. */
  latencyMs: number;
  /** Requests made to the provider for this part (0: answered from the cache, or refused). */
  attempts: number;
  cache: RefreshOutcome | "off" | "none";
  /** Why there are no fresh figures, for a person to read. */
  error: string | null;
}

const tracer = () => trace.getTracer("brisk-api");

function failedPart(
  started: number,
  status: PartStatus,
  error: string,
  attempts = 0,
): ProviderPart {
  return {
    status,
    figures: null,
    ageMs: null,
    latencyMs: Math.round(performance.now() - started),
    attempts,
    cache: "none",
    error,
  };
}

function record(span: Span, provider: ProviderName, part: ProviderPart) {
  span.setAttributes({
    "provider.name": provider,
    "provider.status": part.status,
    "provider.attempts": part.attempts,
    "provider.cache": part.cache,
  });
  if (part.error) span.setStatus({ code: SpanStatusCode.ERROR, message: part.error });
}

/**
 * One provider's part: from the cache while fresh, else called; a failed call answered by an
 * older cached answer when there is one (stale), else failed or timed out. Never throws.
 */
async function providerPart(ctx: Context, provider: ProviderName, query: StatsQuery) {
  const access = ctx.providers;
  const started = performance.now();
  if (!access) return failedPart(started, "failed", "No providers are configured here.");
  return tracer().startActiveSpan(`provider ${provider}`, async (span) => {
    let attempts = 0;
    const load = async () => {
      try {
        const answer = await access.clients.fetch(provider, query);
        attempts = answer.attempts;
        return answer.figures;
      } catch (error) {
        if (error instanceof ProviderCallError) attempts = error.attempts;
        throw error;
      }
    };
    let part: ProviderPart;
    try {
      const answer = access.cached
        ? await ctx.cache.getOrRefresh(providerEntry(provider, query), load, access.freshMs)
        : { value: await load(), ageMs: 0, outcome: "off" as const };
      part = {
        status: answer.outcome === "stale" ? "stale" : "ok",
        figures: answer.value,
        ageMs: answer.ageMs,
        latencyMs: Math.round(performance.now() - started),
        attempts,
        cache: answer.outcome,
        error: answer.outcome === "stale" ? "The provider failed; an older answer is shown." : null,
      };
      access.observer?.answered(
        provider,
        answer.outcome === "off" ? "loaded" : answer.outcome,
        answer.ageMs,
      );
    } catch (error) {
      const timedOut = error instanceof ProviderCallError && error.outcome === "timed-out";
      part = failedPart(
        started,
        timedOut ? "timed-out" : "failed",
        error instanceof ProviderCallError ? error.message : "The provider could not be reached.",
        attempts,
      );
      access.observer?.answered(provider, "failed");
    }
    record(span, provider, part);
    span.end();
    return part;
  });
}

type ListedReport = Awaited<ReturnType<typeof listReports>>[number];

/**
 * A report as the page shows it: its result typed, the subject its live progress is published
 * under, and its PDF's address on the dashboard's origin once there is one.
 */
function shown(row: ListedReport) {
  return {
    ...row,
    result: row.result as ReportResult | null,
    progressSubject: `report:${row.id}`,
    pdfUrl: row.status === "done" && row.pdfMediaId !== null ? `/reports/${row.id}/pdf` : null,
  };
}

/** Reports belong to the user who ordered them: an API key orders none and owns none. */
function requester(ctx: { actor: Parameters<typeof userIdOf>[0] }) {
  const id = userIdOf(ctx.actor);
  if (id === undefined) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "Reports belong to a user who ordered them; an API key is none. Sign in instead.",
    });
  }
  return id;
}

export const reportsRouter = {
  /**
   * Orders a report: the row (queued) and its `report/requested` event in one transaction, so
   * a report never waits for an event that was not recorded. Members order their own posts';
   * admins any author's, the workspace's, or a bulk run over every author.
   */
  order: signedInProcedure.input(orderReportInput).mutation(async ({ ctx, input }) => {
    const requestedById = requester(ctx);
    const admin = isAdmin(ctx.actor);
    if (input.scope !== "author" && !admin) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "Only admins order workspace or bulk reports; order one of your own posts.",
      });
    }
    const authorId = input.scope === "author" ? (input.authorId ?? requestedById) : null;
    if (authorId !== null && !mayActFor(ctx.actor, authorId)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "You can order reports on your own posts only.",
      });
    }
    if (authorId !== null && !(await getUserIdentity(ctx.db, authorId))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `No author with id ${authorId}` });
    }
    const report: ReportRow = await writeWithin(ctx, async (tx, afterCommit) => {
      const row = await insertReport(tx, {
        requestedById,
        scope: input.scope,
        authorId,
        fromDate: input.from,
        toDate: input.to,
      });
      await recordEvent(tx, {
        name: "report/requested",
        data: {
          reportId: row.id,
          scope: input.scope,
          lane: input.scope === "bulk" ? "bulk" : `report:${row.id}`,
        },
      });
      afterCommit(() => ctx.outbox?.wake());
      return row;
    });
    return { id: report.id, status: report.status, progressSubject: `report:${report.id}` };
  }),

  /** Newest first: a member's own reports, every report for an admin. */
  list: signedInProcedure.input(listReportsInput).query(async ({ ctx, input }) => {
    const requestedById = isAdmin(ctx.actor) ? undefined : requester(ctx);
    const rows = await listReports(ctx.db, { ...input, requestedById });
    return {
      reports: rows.map(shown),
      nextBefore: rows.length === input.limit ? rows[rows.length - 1]!.id : null,
    };
  }),

  /** One report: its orderer's or an admin's to see. */
  byId: signedInProcedure.input(reportByIdInput).query(async ({ ctx, input }) => {
    const row = await getReport(ctx.db, input.id);
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `No report with id ${input.id}` });
    if (!isAdmin(ctx.actor) && userIdOf(ctx.actor) !== row.requestedById) {
      throw new TRPCError({ code: "FORBIDDEN", message: "This report is someone else's." });
    }
    return shown(row);
  }),

  /**
   * W3: an author's numbers from our database and the five providers', fetched in parallel.
   * Each provider's part says how it came (ok, stale, failed, timed out); the call answers
   * within the slowest provider's timeout (or the call's own deadline, if sooner) whatever
   * the providers do. Members see their own; admins anyone's.
   */
  snapshot: signedInProcedure
    .meta({ budget: "providers" })
    .input(snapshotInput)
    .query(async ({ ctx, input }) => {
      if (!mayActFor(ctx.actor, input.authorId)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "You can see only your own numbers." });
      }
      // Before any provider is called: a missing author costs them nothing (and, thrown from
      // the loader, is not cached: the id may be taken later).
      const ours = await ctx.cache.getOrLoad(oursEntry(input), async () => {
        const numbers = await authorNumbers(ctx.db, input.authorId, input);
        if (!numbers) {
          throw new TRPCError({
            code: "NOT_FOUND",
            message: `No author with id ${input.authorId}`,
          });
        }
        return numbers;
      });
      const slowest = Math.max(
        ...PROVIDER_NAMES.map((name) => ctx.providers?.clients.timeoutMs(name) ?? 0),
      );
      const budget = Math.min(slowest + BACKSTOP_MS, ctx.deadline.remainingMs() - ANSWER_MARGIN_MS);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"deadline">((resolve) => {
        timer = setTimeout(() => resolve("deadline"), Math.max(0, budget));
      });
      try {
        const parts = await Promise.all(
          PROVIDER_NAMES.map(async (provider) => {
            const part = await Promise.race([providerPart(ctx, provider, input), deadline]);
            const settled =
              part === "deadline"
                ? failedPart(started, "timed-out", "No answer within the report's deadline.")
                : part;
            return [provider, settled] as const;
          }),
        );
        return {
          authorId: input.authorId,
          from: input.from,
          to: input.to,
          ours,
          providers: Object.fromEntries(parts) as { [P in ProviderName]: ProviderPart<P> },
        };
      } finally {
        clearTimeout(timer);
      }
    }),
} satisfies TRPCRouterRecord;
