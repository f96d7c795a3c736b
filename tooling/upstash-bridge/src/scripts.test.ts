import { describe, expect, it } from "vitest";
import { withoutUpstashFlags } from "./scripts";

describe("withoutUpstashFlags", () => {
  it("drops an emptied flags= and keeps the shebang", () => {
    expect(withoutUpstashFlags("#!lua flags=allow-key-locking\nreturn 1")).toBe("#!lua\nreturn 1");
  });

  it("removes only allow-key-locking", () => {
    expect(
      withoutUpstashFlags("#!lua name=limit flags=no-writes,allow-key-locking\nreturn 1"),
    ).toBe("#!lua name=limit flags=no-writes\nreturn 1");
  });

  it("leaves other scripts byte for byte", () => {
    for (const script of [
      "return 1",
      "#!lua  flags=no-writes\nreturn 1",
      "-- #!lua flags=allow-key-locking",
    ]) {
      expect(withoutUpstashFlags(script)).toBe(script);
    }
  });
});
