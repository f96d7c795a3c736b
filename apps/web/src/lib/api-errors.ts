import { TRPCClientError } from "@trpc/client";

/** The api's own message when it answered, or null when it could not be reached at all. */
export function apiMessage(error: unknown): string | null {
  return error instanceof TRPCClientError && error.shape ? error.message : null;
}

export type FieldErrors = Partial<Record<string, string[]>>;

/** The per-field messages of a zod failure (apps/api's errorFormatter puts them in data). */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof TRPCClientError)) return {};
  const zodError: unknown = error.data?.zodError;
  if (typeof zodError !== "object" || zodError === null || !("fieldErrors" in zodError)) return {};
  return zodError.fieldErrors as FieldErrors;
}
