import { html, layout, type RenderedEmail } from "./render";

/** Sent once per account, after sign-up (`send-welcome-email`). */
export function welcomeEmail(user: { name: string }): RenderedEmail {
  const subject = `Welcome to Brisk, ${user.name}`;
  return {
    subject,
    text: `Hello ${user.name},\n\nYour Brisk account is ready: sign in to write your first post.\n\nBrisk\n`,
    html: layout(
      subject,
      html`<p>Hello ${user.name},</p>
<p>Your Brisk account is ready: sign in to write your first post.</p>`,
    ),
  };
}
