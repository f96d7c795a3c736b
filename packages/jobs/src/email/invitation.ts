import { html, layout, type RenderedEmail } from "./render";

/** Sent once per invitation (`send-invitation-email`): the link sets a password. */
export function invitationEmail(invitee: { name: string }, link: string): RenderedEmail {
  const subject = "You are invited to Brisk";
  return {
    subject,
    text: `Hello ${invitee.name},\n\nYou have been invited to write on Brisk. Set your password here (the link works once, within 24 hours):\n\n${link}\n\nBrisk\n`,
    html: layout(
      subject,
      html`<p>Hello ${invitee.name},</p>
<p>You have been invited to write on Brisk.</p>
<p><a href="${link}">Set your password</a></p>
<p style="color: #666; font-size: 13px">The link works once, within 24 hours.</p>`,
    ),
  };
}
