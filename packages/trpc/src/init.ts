import { SpanKind } from "@opentelemetry/api";
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import type { Context } from "./context";
import { Deadline } from "./deadline";
import { failSpan, tracer } from "./telemetry/tracing";
import { isDatabaseUnavailable, unavailable } from "./unavailable";

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

const t = initTRPC.context<Context>().create({
  isDev: false,
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
        ...(expose ? { stack: error.stack } : {}),
      },
    };
  },
});

/**
 * Every call gets its own deadline. When it passes, the client hears 503 at once, unless a
 * write is already committing, whose real outcome is awaited instead. A database that
 * cannot serve (down, restarting, out of connections) is a 503 too, never a 500.
 */
const withDeadline = t.middleware(async ({ ctx, type, next }) => {
  const deadline = new Deadline(ctx.requestTimeoutMs);
  const kind = type === "mutation" ? "mutation" : "query";
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), deadline.budgetMs);
  });
  const call = next({ ctx: { deadline } });
  const first = await Promise.race([call, expired]);
  clearTimeout(timer);
  if (first === "expired" && deadline.claimExpiry()) throw unavailable(kind);
  const result = await call;
  if (!result.ok && isDatabaseUnavailable(result.error)) throw unavailable(kind, result.error);
  return result;
});

/**
 * A span per procedure call, named `trpc <path>` with OTel's RPC attributes, ended whatever
 * happens: the call's result (an error included) always comes back through `next()`.
 */
const withSpan = t.middleware(({ path, type, next }) =>
  tracer().startActiveSpan(
    `trpc ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "rpc.system": "trpc",
        "rpc.service": "brisk",
        "rpc.method": path,
        "rpc.trpc.type": type,
      },
    },
    async (span) => {
      try {
        const result = await next();
        if (!result.ok) failSpan(span, result.error.code, result.error.message);
        return result;
      } finally {
        span.end();
      }
    },
  ),
);

/** Outermost but for the span, so a call cut by its deadline is counted with its 503. */
const withMetrics = t.middleware(async ({ ctx, path, type, next }) => {
  const finished = ctx.metrics?.procedureStarted(path, type);
  const result = await next();
  finished?.(result.ok ? 200 : getHTTPStatusCodeFromError(result.error));
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(withSpan).use(withMetrics).use(withDeadline);
export { TRPCError };
