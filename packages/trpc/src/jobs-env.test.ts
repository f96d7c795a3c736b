import { describe, expect, it } from "vitest";
import { jobsEnv, jobsFromEnv, LOCAL_EXECUTOR_URL, parseEnv, requireInngestPair } from "./env";

const schema = requireInngestPair(jobsEnv);
const settings = (env: Record<string, string>) => jobsFromEnv(parseEnv(schema, env, "test"));

describe("jobsEnv", () => {
  it("points at the local executor with nothing set, and at INNGEST_DEV when given", () => {
    expect(settings({}).inngest).toEqual({ mode: "dev", url: LOCAL_EXECUTOR_URL });
    expect(settings({ INNGEST_DEV: "http://127.0.0.1:9999" }).inngest).toEqual({
      mode: "dev",
      url: "http://127.0.0.1:9999",
    });
  });

  it("is cloud mode with the keys, at INNGEST_BASE_URL when given (self-hosted)", () => {
    const keys = { INNGEST_SIGNING_KEY: "signkey-prod-abc123", INNGEST_EVENT_KEY: "ek" };
    expect(settings(keys).inngest).toEqual({
      mode: "cloud",
      signingKey: "signkey-prod-abc123",
      eventKey: "ek",
      baseUrl: undefined,
    });
    expect(
      settings({ ...keys, INNGEST_BASE_URL: "https://inngest.internal" }).inngest,
    ).toMatchObject({
      mode: "cloud",
      baseUrl: "https://inngest.internal",
    });
  });

  it("refuses one key without the other, and a malformed signing key", () => {
    expect(() => settings({ INNGEST_EVENT_KEY: "ek" })).toThrow(/INNGEST_EVENT_KEY/);
    expect(() => settings({ INNGEST_SIGNING_KEY: "nope", INNGEST_EVENT_KEY: "ek" })).toThrow(
      /INNGEST_SIGNING_KEY/,
    );
  });

  it("sends email by SMTP with SMTP_URL, else to the dev mailbox", () => {
    expect(settings({}).email).toEqual({
      transport: "mailbox",
      from: "Brisk <no-reply@brisk.localhost>",
    });
    expect(
      settings({ SMTP_URL: "smtps://u:p@mail.example:465", EMAIL_FROM: "a@b.c" }).email,
    ).toEqual({
      transport: "smtp",
      url: "smtps://u:p@mail.example:465",
      from: "a@b.c",
    });
    expect(() => settings({ SMTP_URL: "http://mail.example" })).toThrow(/SMTP_URL/);
  });
});
