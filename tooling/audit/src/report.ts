/**
 * What `pnpm audit --json` answered, read into one of three outcomes: a report with or without
 * high and critical advisories, or no report because the advisory service could not be asked.
 */

export type Severity = "info" | "low" | "moderate" | "high" | "critical";

export interface Finding {
  module: string;
  severity: Severity;
  title: string;
  url: string;
  vulnerableVersions: string;
  /** Where the package sits in the dependency tree (`apps__api>pkg>module`), a few at most. */
  paths: string[];
}

export type AuditOutcome =
  | { kind: "report"; findings: Finding[]; counts: Record<Severity, number> }
  | { kind: "unreachable"; cause: string };

/** The severities that fail the audit (`--audit-level high`). */
export const FAILING: readonly Severity[] = ["high", "critical"];

// The service answered with an HTTP error instead of a report (a registry mirror without the
// audit API says 404 or 405).
const BAD_RESPONSE = "ERR_PNPM_AUDIT_BAD_RESPONSE";
// Node's and undici's codes for a request that never got an answer.
const NETWORK_CODES =
  /^(E(CONNREFUSED|CONNRESET|NOTFOUND|AI_AGAIN|TIMEDOUT|NETUNREACH|HOSTUNREACH|PIPE)|UND_ERR_)/;

interface AuditJson {
  error?: { code?: string; message?: string };
  advisories?: Record<
    string,
    {
      module_name: string;
      severity: Severity;
      title: string;
      url: string;
      vulnerable_versions: string;
      findings?: { paths?: string[] }[];
    }
  >;
  metadata?: { vulnerabilities?: Record<Severity, number> };
}

/**
 * Throws when the output is neither a report nor a failure to reach the service (pnpm
 * changed its format, the lockfile is broken): that must be looked at, not waved through.
 */
export function readAudit(stdout: string): AuditOutcome {
  let json: AuditJson;
  try {
    json = JSON.parse(stdout) as AuditJson;
  } catch {
    throw new Error(`pnpm audit printed no JSON:\n${stdout.slice(0, 2_000)}`);
  }
  if (json.error) {
    const { code = "", message = "" } = json.error;
    if (code === BAD_RESPONSE || NETWORK_CODES.test(code)) {
      return { kind: "unreachable", cause: `${code}: ${message}` };
    }
    throw new Error(`pnpm audit failed: ${code} ${message}`);
  }
  const counts = json.metadata?.vulnerabilities;
  if (!json.advisories || !counts) {
    throw new Error(`pnpm audit printed JSON that is not a report:\n${stdout.slice(0, 2_000)}`);
  }
  const findings = Object.values(json.advisories)
    .filter((advisory) => FAILING.includes(advisory.severity))
    .map((advisory) => ({
      module: advisory.module_name,
      severity: advisory.severity,
      title: advisory.title,
      url: advisory.url,
      vulnerableVersions: advisory.vulnerable_versions,
      paths: (advisory.findings ?? []).flatMap((f) => f.paths ?? []).slice(0, 5),
    }));
  return { kind: "report", findings, counts };
}
