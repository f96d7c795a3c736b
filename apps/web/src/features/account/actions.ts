"use server";

import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/next-path";
import { requireViewer } from "@/server/viewer";
import { createContext, serverCaller } from "@/trpc/server";
import { type AccountFormState, refusedAttempt } from "./form-state";

/*
 * The account forms post here; each action calls the router in process. The session cookie
 * that auth.signIn and auth.signUp set goes through Next's cookie store onto this action's
 * response, and the redirect that follows renders the next page with it already.
 */

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** The form's answer to a failed attempt; what nobody can act on goes to the log instead. */
async function refused(
  error: unknown,
  values: AccountFormState["values"],
): Promise<AccountFormState> {
  const state = refusedAttempt(error, values);
  if (state) return state;
  const ctx = await createContext();
  ctx.log.error({ err: error }, "an account action failed");
  return {
    values,
    fieldErrors: {},
    message: `Something went wrong on our side and nothing was changed. Try again in a moment (reference ${ctx.request.id}).`,
  };
}

export async function signIn(_: AccountFormState, form: FormData): Promise<AccountFormState> {
  const email = field(form, "email");
  try {
    const caller = await serverCaller();
    await caller.auth.signIn({ email, password: field(form, "password") });
  } catch (error) {
    return refused(error, { email });
  }
  redirect(safeNextPath(form.get("next")));
}

export async function signUp(_: AccountFormState, form: FormData): Promise<AccountFormState> {
  const values = { name: field(form, "name"), email: field(form, "email") };
  try {
    const caller = await serverCaller();
    await caller.auth.signUp({ ...values, password: field(form, "password") });
  } catch (error) {
    return refused(error, values);
  }
  redirect(safeNextPath(form.get("next")));
}

/**
 * auth.acceptInvitation: the invitee's password set from the emailed link, and signed in. A
 * link unknown, used or expired comes back as the form's message, which says what to do.
 */
export async function acceptInvitation(
  _: AccountFormState,
  form: FormData,
): Promise<AccountFormState> {
  try {
    const caller = await serverCaller();
    await caller.auth.acceptInvitation({
      token: field(form, "token"),
      password: field(form, "password"),
    });
  } catch (error) {
    return refused(error, {});
  }
  redirect("/posts");
}

/** users.invite from the Authors page (admins): the email goes out in the background. */
export async function inviteMember(_: AccountFormState, form: FormData): Promise<AccountFormState> {
  await requireViewer("/authors");
  const values = { name: field(form, "name"), email: field(form, "email") };
  let email: string;
  try {
    const caller = await serverCaller();
    ({ email } = await caller.users.invite(values));
  } catch (error) {
    return refused(error, values);
  }
  // The list shows the new member at once.
  refresh();
  return { values: {}, fieldErrors: {}, message: null, saved: `Invitation sent to ${email}` };
}

/** What the sign-out button shows when signing out failed; null while nothing did. */
export type SignOutState = string | null;

/** Ends the session, then shows the page it was asked from again, as seen signed out. */
export async function signOut(_: SignOutState, form: FormData): Promise<SignOutState> {
  try {
    const caller = await serverCaller();
    await caller.auth.signOut();
  } catch (error) {
    return (await refused(error, {})).message;
  }
  redirect(safeNextPath(form.get("from")));
}

/*
 * The Account page's forms. Each asks who is signed in first: signed out meanwhile (another
 * browser changed the password), they are sent to sign in and back rather than told 401.
 */

/** users.update of the signed-in user's own name. */
export async function updateName(_: AccountFormState, form: FormData): Promise<AccountFormState> {
  const viewer = await requireViewer("/account");
  const values = { name: field(form, "name") };
  let name: string;
  try {
    const caller = await serverCaller();
    ({ name } = await caller.users.update({ id: viewer.id, name: values.name }));
  } catch (error) {
    return refused(error, values);
  }
  // The shell renders again too: the user menu shows the new name at once.
  refresh();
  return { values: { name }, fieldErrors: {}, message: null, saved: "Saved" };
}

/** auth.changePassword: this session stays, every other one of the user ends. */
export async function changePassword(
  _: AccountFormState,
  form: FormData,
): Promise<AccountFormState> {
  await requireViewer("/account");
  let ended: number;
  try {
    const caller = await serverCaller();
    ({ endedSessions: ended } = await caller.auth.changePassword({
      currentPassword: field(form, "currentPassword"),
      newPassword: field(form, "newPassword"),
    }));
  } catch (error) {
    return refused(error, {});
  }
  const signedOut =
    ended === 0
      ? "You were not signed in anywhere else."
      : ended === 1
        ? "1 other session was signed out."
        : `${ended} other sessions were signed out.`;
  return { values: {}, fieldErrors: {}, message: null, saved: `Password changed. ${signedOut}` };
}
