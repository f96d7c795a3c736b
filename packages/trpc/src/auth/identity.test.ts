import { describe, expect, it } from "vitest";
import { testRequest } from "../testing";
import { credential, sessionCookie } from "./identity";

describe("sessionCookie", () => {
  it.each([
    [["https://brisk.example"], { name: "__Host-brisk_session", secure: true }],
    [
      ["https://brisk.example", "https://admin.brisk.example"],
      { name: "__Host-brisk_session", secure: true },
    ],
    // One plain-http origin would never get a Secure cookie back: all stay plain.
    [["https://brisk.example", "http://localhost:3000"], { name: "brisk_session", secure: false }],
    [["http://localhost:3000"], { name: "brisk_session", secure: false }],
    [["http://https.example"], { name: "brisk_session", secure: false }],
  ])("for a dashboard at %j: %j", (origins, expected) => {
    expect(sessionCookie(origins)).toEqual(expected);
  });
});

describe("credential", () => {
  const cookie = "brisk_session";
  const from = (headers: Record<string, string>, cookies: Record<string, string> = {}) =>
    credential(testRequest({ headers, cookies }).request, cookie);

  it("takes a bearer token, whatever the scheme's case, before the cookie", () => {
    expect(from({ authorization: "Bearer abc" }, { [cookie]: "from-cookie" })).toEqual({
      token: "abc",
      via: "bearer",
    });
    expect(from({ authorization: "bearer   bk_xyz" })).toEqual({ token: "bk_xyz", via: "bearer" });
  });

  it("falls back to the session cookie, and to nothing", () => {
    expect(from({}, { [cookie]: "from-cookie" })).toEqual({ token: "from-cookie", via: "cookie" });
    expect(from({ authorization: "Basic dXNlcjpwYXNz" }, { [cookie]: "c" })).toEqual({
      token: "c",
      via: "cookie",
    });
    expect(from({}, { other_cookie: "x" })).toBeUndefined();
    expect(from({ authorization: "Bearer" })).toBeUndefined();
    expect(from({ authorization: "Bearer two tokens" })).toBeUndefined();
  });
});
