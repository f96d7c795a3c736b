import { describe, expect, it } from "vitest";
import { CelError, compileCel } from "./cel";

const event = {
  name: "user/signed-up",
  data: { userId: "u1", plan: "pro", count: 3, nested: { "a-b": 1 } },
};

describe("compileCel", () => {
  it("reads members of event and async, missing ones as null", () => {
    expect(compileCel("event.data.userId").evaluate({ event })).toBe("u1");
    expect(compileCel('event.data.nested["a-b"]').evaluate({ event })).toBe(1);
    expect(compileCel("event.data.missing.deeper").evaluate({ event })).toBeNull();
    expect(
      compileCel("event.data.userId == async.data.userId").evaluate({ event, async: event }),
    ).toBe(true);
  });

  it("compares with == and != across strings, numbers, booleans and null", () => {
    expect(compileCel("event.data.plan == 'pro'").evaluate({ event })).toBe(true);
    expect(compileCel('event.data.plan != "pro"').evaluate({ event })).toBe(false);
    expect(compileCel("event.data.count == 3").evaluate({ event })).toBe(true);
    expect(compileCel("event.data.missing == null").evaluate({ event })).toBe(true);
  });

  it("combines with && || ! and parentheses, short-circuiting", () => {
    expect(
      compileCel("event.data.plan == 'pro' && event.data.count == 3").evaluate({ event }),
    ).toBe(true);
    expect(
      compileCel("event.data.plan == 'free' || (event.data.count == 3)").evaluate({ event }),
    ).toBe(true);
    expect(compileCel("!(event.data.plan == 'pro')").evaluate({ event })).toBe(false);
    expect(compileCel("true || event.data.count").evaluate({ event })).toBe(true);
  });

  it("chooses with the ternary, negative numbers included", () => {
    const priority = compileCel(
      "event.data.plan == 'pro' ? 120 : event.data.plan == 'free' ? -600 : 0",
    );
    expect(priority.evaluate({ event })).toBe(120);
    expect(priority.evaluate({ event: { data: { plan: "free" } } })).toBe(-600);
    expect(priority.evaluate({ event: { data: {} } })).toBe(0);
  });

  it("rejects what is outside the subset", () => {
    expect(() => compileCel("event.data.count > 3")).toThrow(CelError);
    expect(() => compileCel("size(event.data)")).toThrow(CelError);
    expect(() => compileCel("user.id")).toThrow(CelError);
    expect(() => compileCel("event.data.plan ==")).toThrow(CelError);
    expect(() => compileCel("event.data.count && true").evaluate({ event })).toThrow(CelError);
  });
});
