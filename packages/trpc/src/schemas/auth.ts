import { z } from "zod";
import { storedText } from "./text";

// Normalised so that one mailbox is one account: trimmed and lowercased (the column is also
// unique on lower(email)).
export const email = z
  .string()
  .trim()
  .max(254, "An email address is at most 254 characters")
  .toLowerCase()
  .pipe(z.email("Enter an email address like name@example.com"));

/**
 * What a new password must be, after NIST SP 800-63B: long rather than composed (no "one
 * digit, one symbol" rules), at most 128 characters (every one counts; scrypt takes them
 * all), and not guessable from the account itself.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
const newPassword = z
  .string()
  .min(PASSWORD_MIN, `A password needs at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `A password is at most ${PASSWORD_MAX} characters`)
  .refine((password) => new Set(password).size >= 5, {
    message: "That password repeats too few characters: try a short phrase",
  });

/** A password as typed at sign-in: bounded, never judged (old passwords predate the rules). */
const givenPassword = z
  .string()
  .min(1, "Enter your password")
  .max(PASSWORD_MAX, `A password is at most ${PASSWORD_MAX} characters`);

export const name = storedText().trim().min(1, "A name is required").max(100);

/** Whether a new password stays clear of the account's own name and email. */
export function notFromAccount(fields: { password: string; email: string; name?: string }) {
  const password = fields.password.toLowerCase();
  const local = fields.email.split("@")[0] ?? "";
  const parts = [local, fields.name?.toLowerCase() ?? ""].filter((part) => part.length >= 4);
  return !parts.some((part) => password.includes(part));
}

export const FROM_ACCOUNT = "A password must not contain your name or email";

export const signUpInput = z.object({ name, email, password: newPassword }).refine(notFromAccount, {
  message: FROM_ACCOUNT,
  path: ["password"],
});

export const signInInput = z.object({ email, password: givenPassword });

/** The account's name and email are the caller's, so the procedure checks `notFromAccount`. */
export const changePasswordInput = z.object({
  currentPassword: givenPassword,
  newPassword,
});

/** The token of an invitation link: 256 bits in base64url. The member's name and email are the
 * invitation's, so the procedure checks `notFromAccount`. */
export const acceptInvitationInput = z.object({
  token: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link is not valid: check it was copied whole"),
  password: newPassword,
});
