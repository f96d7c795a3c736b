import { describe, expect, it } from "vitest";
import { readAudit } from "./report";

// What pnpm 10 printed here, asking a registry without the audit API, and asking nobody.
const METHOD_NOT_ALLOWED = JSON.stringify({
  error: {
    code: "ERR_PNPM_AUDIT_BAD_RESPONSE",
    message:
      "The audit endpoint (at https://registry.npmjs.org/-/npm/v1/security/audits/quick) responded with 405: . Fallback endpoint (at https://registry.npmjs.org/-/npm/v1/security/audits) responded with 405: ",
  },
});
const REFUSED = JSON.stringify({
  error: {
    code: "ECONNREFUSED",
    message:
      "request to http://127.0.0.1:9/-/npm/v1/security/audits/quick failed, reason: connect ECONNREFUSED 127.0.0.1:9",
  },
});

/** A report in the shape of npm's audit API, which pnpm prints as it receives it. */
function report(advisories: { module: string; severity: string }[]) {
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 } as Record<string, number>;
  for (const a of advisories) counts[a.severity]! += 1;
  return JSON.stringify({
    actions: [],
    advisories: Object.fromEntries(
      advisories.map((a, i) => [
        String(1_100_000 + i),
        {
          id: 1_100_000 + i,
          module_name: a.module,
          severity: a.severity,
          title: `A ${a.severity} flaw in ${a.module}`,
          url: `https://github.com/advisories/GHSA-test-${i}`,
          vulnerable_versions: "<2.0.0",
          patched_versions: ">=2.0.0",
          findings: [{ version: "1.0.0", paths: [`apps__api>${a.module}`] }],
        },
      ]),
    ),
    muted: [],
    metadata: { vulnerabilities: counts, dependencies: 300, totalDependencies: 300 },
  });
}

describe("readAudit", () => {
  it("fails on high and critical advisories only", () => {
    const outcome = readAudit(
      report([
        { module: "left-pad", severity: "moderate" },
        { module: "tar", severity: "high" },
        { module: "ws", severity: "critical" },
      ]),
    );
    expect(outcome).toMatchObject({
      kind: "report",
      counts: { moderate: 1, high: 1, critical: 1 },
    });
    if (outcome.kind !== "report") throw new Error("unreachable");
    expect(outcome.findings.map((f) => `${f.severity} ${f.module} ${f.paths[0]}`)).toEqual([
      "high tar apps__api>tar",
      "critical ws apps__api>ws",
    ]);
  });

  it("passes a report with nothing high", () => {
    const outcome = readAudit(report([{ module: "left-pad", severity: "low" }]));
    expect(outcome).toMatchObject({ kind: "report", findings: [] });
  });

  it("tells an advisory service that cannot be asked from a finding", () => {
    expect(readAudit(METHOD_NOT_ALLOWED)).toEqual({
      kind: "unreachable",
      cause: expect.stringContaining("responded with 405"),
    });
    expect(readAudit(REFUSED)).toEqual({
      kind: "unreachable",
      cause: expect.stringMatching(/^ECONNREFUSED: /),
    });
  });

  it("refuses output it cannot read, and other failures, rather than passing them", () => {
    expect(() => readAudit("Progress: resolved 1")).toThrow(/printed no JSON/);
    expect(() => readAudit('{"error":{"code":"ERR_PNPM_NO_LOCKFILE","message":"x"}}')).toThrow(
      /ERR_PNPM_NO_LOCKFILE/,
    );
    expect(() => readAudit("{}")).toThrow(/not a report/);
  });
});
