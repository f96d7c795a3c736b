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
  /**
   * Per-interval rates, error ratios and latency percentiles, pool and event loop; and each
   * external provider's health over the same window.
   */
  metrics: adminProcedure.query(({ ctx }) => {
    const { series } = sources(ctx);
    return { points: series.points(), providers: series.providers() };
  }),

  /** The most recent slow traces with their spans, newest first. */
  traces: adminProcedure.query(({ ctx }) => sources(ctx).traces.list()),
} satisfies TRPCRouterRecord;
