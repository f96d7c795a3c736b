import { TRPCError } from "@trpc/server";

export type AccountField =
  | "name"
  | "email"
  | "password"
  | "currentPassword"
  | "newPassword"
  | "token";

/** Never sent back to fill a field again. */
type Secret = "password" | "currentPassword" | "newPassword" | "token";

/** What an account form (sign-in, sign-up, the Account page's) shows after an attempt. */
export interface AccountFormState {
  /** What was typed, to fill the fields again (never a password). */
  values: Partial<Record<Exclude<AccountField, Secret>, string>>;
  fieldErrors: Partial<Record<AccountField, string[]>>;
  /** About the whole attempt: wrong credentials, too many tries, too busy. */
  message: string | null;
  /** What a change that went through did (the Account page's forms). */
  saved?: string;
}

export const emptyAccountForm: AccountFormState = { values: {}, fieldErrors: {}, message: null };

const FIELDS = new Set<string>([
  "name",
  "email",
  "password",
  "currentPassword",
  "newPassword",
  "token",
]);

/** A zod failure's issues by field, read by shape (the router's zod may be another copy). */
function fieldErrorsOf(cause: unknown): AccountFormState["fieldErrors"] {
  if (typeof cause !== "object" || cause === null || !("issues" in cause)) return {};
  const issues = (cause as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return {};
  const errors: AccountFormState["fieldErrors"] = {};
  for (const issue of issues as { path?: unknown[]; message?: unknown }[]) {
    const field = issue.path?.[0];
    if (typeof field !== "string" || !FIELDS.has(field) || typeof issue.message !== "string") {
      continue;
    }
    const key = field as AccountField;
    errors[key] = [...(errors[key] ?? []), issue.message];
  }
  return errors;
}

/**
 * A refused attempt as its account form shows it, or null for an unexpected failure. The
 * router's messages are written for people (429 says when to try again, 503 that nothing
 * changed), so they are shown as they are.
 */
export function refusedAttempt(
  error: unknown,
  values: AccountFormState["values"],
): AccountFormState | null {
  if (!(error instanceof TRPCError) || error.code === "INTERNAL_SERVER_ERROR") return null;
  const fieldErrors = error.code === "BAD_REQUEST" ? fieldErrorsOf(error.cause) : {};
  if (Object.keys(fieldErrors).length > 0) {
    return { values, fieldErrors, message: null };
  }
  if (error.code === "CONFLICT") {
    // The email is taken: that belongs beside the email field.
    return { values, fieldErrors: { email: [error.message] }, message: null };
  }
  return { values, fieldErrors: {}, message: error.message };
}
