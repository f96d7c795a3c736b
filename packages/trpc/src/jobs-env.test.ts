import { describe, expect, it } from "vitest";
import {
  jobsEnv,
  jobsFromEnv,
  LOCAL_EXECUTOR_URL,
  mediaEnv,
  mediaFromEnv,
  parseEnv,
  requireInngestPair,
  requireS3Settings,
} from "./env";

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

describe("mediaEnv", () => {
  const media = (env: Record<string, string>) =>
    mediaFromEnv(parseEnv(requireS3Settings(mediaEnv), env, "test"));
  const s3 = {
    MEDIA_S3_BUCKET: "brisk-media",
    MEDIA_S3_ACCESS_KEY_ID: "AKIA123",
    MEDIA_S3_SECRET_ACCESS_KEY: "secret",
  };

  it("stores under .data/media with nothing set", () => {
    expect(media({}).storage).toEqual({ dir: ".data/media", publicBaseUrl: undefined });
  });

  it("stores in the bucket with its credentials: AWS by host name, another store by path", () => {
    expect(media(s3).storage).toMatchObject({
      s3: {
        bucket: "brisk-media",
        region: "us-east-1",
        endpoint: undefined,
        forcePathStyle: false,
      },
    });
    expect(media({ ...s3, MEDIA_S3_ENDPOINT: "http://minio:9000" }).storage).toMatchObject({
      s3: { endpoint: "http://minio:9000", forcePathStyle: true },
    });
  });

  it("refuses a bucket without its credentials, and a malformed bucket name", () => {
    expect(() => media({ MEDIA_S3_BUCKET: "brisk-media" })).toThrow(/MEDIA_S3_BUCKET/);
    expect(() => media({ ...s3, MEDIA_S3_BUCKET: "Brisk_Media" })).toThrow(/MEDIA_S3_BUCKET/);
  });
});
