import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: a session token or the secret part of an API key. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored of a token: its SHA-256, so a leaked table cannot be replayed. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** API keys start with this, so a bearer token says which kind it is. */
export const API_KEY_PREFIX = "bk_";
