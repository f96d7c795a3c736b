import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Context } from "./context";

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
        requestId: ctx?.requestId ?? null,
        ...(expose ? { stack: error.stack } : {}),
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;
export { TRPCError };
