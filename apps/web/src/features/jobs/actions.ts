"use server";

import { TRPCError } from "@trpc/server";
import { refresh } from "next/cache";
import { createContext, serverCaller } from "@/trpc/server";

/** What a run's button shows after it was pressed: null when it worked. */
export type RunActionState = string | null;

function runId(form: FormData): string {
  const value = form.get("id");
  return typeof value === "string" ? value : "";
}

async function change(kind: "retry" | "cancel", form: FormData): Promise<RunActionState> {
  try {
    const caller = await serverCaller();
    await (kind === "retry"
      ? caller.jobs.retry({ id: runId(form) })
      : caller.jobs.cancel({ id: runId(form) }));
  } catch (error) {
    // The executor's refusals (already retried, ended meanwhile, unreachable) read as they are.
    if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return error.message;
    const ctx = await createContext();
    ctx.log.error({ err: error }, `a job ${kind} failed`);
    return `Something went wrong on our side. Try again in a moment (reference ${ctx.request.id}).`;
  }
  // The run's page renders again with its new status.
  refresh();
  return null;
}

export async function retryRun(_: RunActionState, form: FormData): Promise<RunActionState> {
  return change("retry", form);
}

export async function cancelRun(_: RunActionState, form: FormData): Promise<RunActionState> {
  return change("cancel", form);
}
