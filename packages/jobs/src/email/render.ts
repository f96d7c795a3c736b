/** What a template gives a transport: a subject, a plain-text body and its HTML form. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * A tagged template for HTML: every interpolated value is escaped, except what `html` itself
 * produced (a fragment already safe), so a user's name can never open a tag.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += value instanceof SafeHtml ? value.value : escapeHtml(String(value));
    out += strings[i + 1] ?? "";
  });
  return new SafeHtml(out);
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

/** The frame every Brisk email shares. */
export function layout(title: string, body: SafeHtml) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #111; max-width: 560px; margin: 0 auto; padding: 24px">
${body}
<p style="color: #666; font-size: 12px">Brisk</p>
</body>
</html>`.value;
}
