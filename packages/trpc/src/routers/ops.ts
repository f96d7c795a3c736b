import type { TRPCRouterRecord } from "@trpc/server";
import type { Context } from "../context";
import { adminProcedure, TRPCError } from "../init";

// Ops data describes the api process; the dashboard's own process has none to give.
function sources(ctx: Context) {
  if (!ctx.ops) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "Ops data lives in apps/api: call it over HTTP, with telemetry on",
    });
  }
  return ctx.ops;
}

export const opsRouter = {
  /** Per-interval rates, error ratios and latency percentiles, pool and event loop. */
  metrics: adminProcedure.query(({ ctx }) => ({ points: sources(ctx).series.points() })),

  /** The most recent slow traces with their spans, newest first. */
  traces: adminProcedure.query(({ ctx }) => sources(ctx).traces.list()),
} satisfies TRPCRouterRecord;
