import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AuditOutcome, readAudit } from "./report";

/**
 * The production dependencies' advisories, once for the workspace: fails on high and critical
 * ones; warns and passes when the advisory service cannot be asked (README.md says why).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const TIMEOUT_MS = 120_000;

const outcome = await new Promise<AuditOutcome>((resolve, reject) => {
  execFile(
    "pnpm",
    ["audit", "--prod", "--audit-level", "high", "--json"],
    { cwd: root, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
    // pnpm exits 1 both for findings and for an unreachable service: the JSON tells which.
    (error, stdout) => {
      if (error?.killed) {
        resolve({ kind: "unreachable", cause: `no answer in ${TIMEOUT_MS / 1000} s` });
        return;
      }
      try {
        resolve(readAudit(stdout));
      } catch (failure) {
        reject(failure);
      }
    },
  );
});
const print = (stream: NodeJS.WriteStream, lines: string[]) =>
  stream.write(`${lines.join("\n")}\n`);

if (outcome.kind === "unreachable") {
  print(process.stderr, [
    "WARNING: dependency audit skipped: the registry's advisory service could not be asked.",
    `  cause: ${outcome.cause}`,
    "  A registry mirror without the audit API answers 404/405: see tooling/audit/README.md.",
  ]);
} else if (outcome.findings.length > 0) {
  print(process.stderr, [
    `${outcome.findings.length} high or critical advisories in production dependencies:`,
    ...outcome.findings.flatMap((f) => [
      `- ${f.severity}: ${f.module} ${f.vulnerableVersions}: ${f.title}`,
      `  ${f.url}`,
      ...f.paths.map((p) => `    via ${p}`),
    ]),
  ]);
  process.exitCode = 1;
} else {
  const { low, moderate } = outcome.counts;
  print(process.stdout, [
    `Dependency audit: no high or critical advisories in production dependencies (${moderate} moderate, ${low} low).`,
  ]);
}
