import { TRPCClientError } from "@trpc/client";
import { apiMessage, type FieldErrors, fieldErrorsOf } from "@/lib/api-errors";

export const TAG_FIELDS = ["name", "slug", "colour"] as const;

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const code: unknown = error.data?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The messages to show under a tag's fields: zod's field errors, and the CONFLICT of a taken
 * slug, which the api reports for the whole call but belongs to the slug field.
 */
export function tagFieldErrors(error: unknown): FieldErrors {
  const errors = fieldErrorsOf(error);
  if (codeOf(error) === "CONFLICT" && error instanceof Error) {
    return { ...errors, slug: [...(errors.slug ?? []), error.message] };
  }
  return errors;
}

/** What to say beside the buttons: field errors speak for themselves next to their fields. */
export function tagFormMessage(error: unknown, errors: FieldErrors): string | null {
  if (!error) return null;
  if (TAG_FIELDS.some((field) => errors[field]?.length)) {
    return "Nothing was saved. Check the fields marked above.";
  }
  if (codeOf(error) === "NOT_FOUND") {
    return "This tag no longer exists: it was deleted, perhaps in another tab.";
  }
  return apiMessage(error) ?? "Could not reach the api. What you typed is still here; try again.";
}
