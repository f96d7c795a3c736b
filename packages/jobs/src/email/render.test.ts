import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "./render";
import { welcomeEmail } from "./welcome";

describe("email rendering", () => {
  it("escapes every interpolated value, and only once", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const inner = html`<b>${name}</b>`;
    expect(html`<p>${inner}</p>`.value).toBe(`<p><b>${escapeHtml(name)}</b></p>`);
    expect(escapeHtml(name)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;",
    );
  });

  it("renders the welcome email as text and as HTML that carries the name as text only", () => {
    const rendered = welcomeEmail({ name: `Ann <img src=x onerror=alert(1)>` });
    expect(rendered.subject).toBe("Welcome to Brisk, Ann <img src=x onerror=alert(1)>");
    expect(rendered.text).toContain("Hello Ann <img src=x onerror=alert(1)>,");
    expect(rendered.html).not.toContain("<img");
    expect(rendered.html).toContain(
      "<title>Welcome to Brisk, Ann &lt;img src=x onerror=alert(1)&gt;</title>",
    );
  });
});
