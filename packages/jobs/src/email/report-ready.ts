import { html, layout, type RenderedEmail } from "./render";

/** Sent once per report, when its PDF is ready (`generate-report`). */
export function reportReadyEmail(input: {
  name: string;
  title: string;
  link: string;
  /** Providers the report lost, by label: said in the email too. */
  lost: string[];
}): RenderedEmail {
  const subject = `Your report is ready: ${input.title}`;
  const missing = input.lost.length
    ? `It is complete without ${input.lost.join(", ")}, which could not be reached.`
    : "";
  return {
    subject,
    text: `Hello ${input.name},\n\n${input.title} is ready: ${input.link}\n${missing ? `\n${missing}\n` : ""}\nBrisk\n`,
    html: layout(
      subject,
      html`<p>Hello ${input.name},</p>
<p>${input.title} is ready: <a href="${input.link}">download the PDF</a>.</p>
${missing ? html`<p>${missing}</p>` : html``}`,
    ),
  };
}
