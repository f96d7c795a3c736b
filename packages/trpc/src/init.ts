import { context, SpanKind, trace } from "@opentelemetry/api";
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { crossSiteRefusal } from "./auth/access";
import type { Context } from "./context";
import { Deadline } from "./deadline";
import { failSpan, tracer } from "./telemetry/tracing";
import { isDatabaseUnavailable, unavailable, WriteOutcomeError } from "./unavailable";

/**
 * Errors: a zod failure carries its field messages; an unexpected error reaches the client as
 * a bare "Internal server error" with the request id, and a stack only in development.
 */
function summarise(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}

/** What a procedure says of itself to the layer around every call. */
export interface ProcedureMeta {
  /**
   * `providers`: the call waits on external providers, so its deadline is their slowest
   * timeout (with room to answer) when that is longer than the request timeout.
   */
  budget?: "providers";
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    isDev: false,
    // Subscriptions (job progress) stream as server-sent events. A comment every 15 s keeps
    // proxies from closing a quiet stream; a client that hears nothing for 30 s reconnects,
    // resuming from its last event id.
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 30_000 },
    },
    errorFormatter({ shape, error, ctx }) {
      const zodError = error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null;
      const expose = ctx?.exposeErrors ?? false;
      const hidden = error.code === "INTERNAL_SERVER_ERROR" && !expose;
      let message = shape.message;
      if (hidden) message = "Internal server error";
      else if (error.cause instanceof z.ZodError)
        message = `Invalid input: ${summarise(error.cause)}`;
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          zodError,
          requestId: ctx?.request.id ?? null,
          ...(error instanceof WriteOutcomeError ? { outcome: error.outcome } : {}),
          ...(expose ? { stack: error.stack } : {}),
        },
      };
    },
  });

/**
 * One layer around every call (tRPC copies a call's options at each middleware, so one does
 * the work of three), outermost to innermost:
 * - a span named `trpc <path>` with OTel's RPC attributes, made the active one only when it
 *   is recorded (an unsampled call has nothing to parent), ended whatever happens;
 * - its metrics, so a call cut by its deadline is counted with its 503;
 * - a check that a mutation carrying the session cookie comes from the dashboard (CSRF);
 * - its deadline: when it passes, the client hears 503 at once, unless a write is already
 *   committing, whose real outcome is awaited instead. A database that cannot serve (down,
 *   restarting, out of connections) is a 503 too, never a 500.
 */
const withCall = t.middleware(async ({ ctx, path, type, next, meta }) => {
  // Under an unrecorded request (most, at production sampling) the call is not recorded
  // either: no span at all rather than one that records nothing.
  const parent = trace.getSpan(context.active());
  const span =
    parent && !parent.isRecording()
      ? undefined
      : tracer().startSpan(`trpc ${path}`, {
          kind: SpanKind.SERVER,
          attributes: {
            "rpc.system": "trpc",
            "rpc.service": "brisk",
            "rpc.method": path,
            "rpc.trpc.type": type,
          },
        });
  const finished = ctx.metrics?.procedureStarted(path, type);
  const deadline = new Deadline(
    meta?.budget === "providers" && ctx.providers
      ? Math.max(ctx.requestTimeoutMs, ctx.providers.budgetMs)
      : ctx.requestTimeoutMs,
  );
  const kind = type === "mutation" ? "mutation" : "query";
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), deadline.budgetMs);
  });
  const settle = (error?: TRPCError) => {
    clearTimeout(timer);
    finished?.(error ? getHTTPStatusCodeFromError(error) : 200);
    if (error && span) failSpan(span, error.code, error.message);
    span?.end();
    return error;
  };

  if (type === "mutation") {
    const refusal = crossSiteRefusal(ctx.request, ctx.auth);
    if (refusal) throw settle(new TRPCError({ code: "FORBIDDEN", message: refusal }));
  }

  // tRPC turns whatever the layers below throw into a failed result: `call` never rejects.
  const run = () => routeReads(ctx, type, () => next({ ctx: { deadline } }));
  const call = span?.isRecording()
    ? context.with(trace.setSpan(context.active(), span), run)
    : run();
  const first = await Promise.race([call, expired]);
  if (first === "expired" && deadline.claimExpiry()) throw settle(unavailable(kind));
  const result = await call;
  if (!result.ok && isDatabaseUnavailable(result.error)) {
    throw settle(unavailable(kind, result.error, deadline.writeOutcome()));
  }
  settle(result.ok ? undefined : result.error);
  return result;
});

/**
 * Where a call reads, with read replicas (absent without: everything reads the primary). A
 * query reads a replica, unless its caller wrote within the sticky window; a mutation or a
 * subscription reads the primary, and a mutation marks its caller before it answers, so the
 * caller's next reads, on any instance, see the write. Writes go to the primary whatever the
 * call (read-routing.ts). A replica that failed since its last check (down, restarting) makes
 * the query run again on the primary rather than fail. Part of `withCall`, not a middleware
 * of its own: each middleware layer costs every call.
 */
async function routeReads<R extends { ok: boolean; error?: unknown }>(
  ctx: Context,
  type: "query" | "mutation" | "subscription",
  run: () => Promise<R>,
): Promise<R> {
  const reads = ctx.reads;
  if (!reads) return run();
  if (type !== "query") {
    const result = await reads.onPrimary(run);
    if (type === "mutation") await reads.wrote(ctx.request);
    return result;
  }
  if (await reads.wroteRecently(ctx.request)) return reads.onPrimary(run);
  const result = await reads.onReplica(run);
  if (result.ok || !isDatabaseUnavailable(result.error)) return result;
  return reads.onPrimary(run);
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The procedure tiers. Public: anyone (a procedure that treats callers differently, such as
 * a user's email or a draft, asks `ctx.caller()`). Signed in: a member's or an admin's
 * session, or an API key; 401 otherwise. Admin: 403 for anyone else. Ownership (a member's
 * own posts and name) is checked in the procedure, against the row (auth/access.ts).
 */
export const publicProcedure = t.procedure.use(withCall);

export const signedInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const actor = await ctx.caller();
  if (actor.kind === "anonymous") {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Sign in to do this (your session may have ended).",
    });
  }
  return next({ ctx: { actor } });
});

export const adminProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.actor.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can do this." });
  }
  return next();
});

export { TRPCError };
