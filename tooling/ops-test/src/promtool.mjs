// Validates ops/ with Prometheus' own tools: the alert rules, the example Prometheus config, the
// rule unit tests (ops/prometheus/alerts.test.yml) and the example Alertmanager config.
// promtool and amtool come from the Debian packages prometheus and prometheus-alertmanager; as
// root they are installed when missing, otherwise the run fails and prints the install command.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const packages = { promtool: "prometheus", amtool: "prometheus-alertmanager" };
const checks = [
  ["promtool", "check", "rules", "ops/prometheus/alerts.yml"],
  ["promtool", "check", "config", "ops/prometheus/prometheus.yml"],
  ["promtool", "test", "rules", "ops/prometheus/alerts.test.yml"],
  ["amtool", "check-config", "ops/alertmanager/alertmanager.yml"],
];
const print = (line) => process.stdout.write(`${line}\n`);

function findTool(name) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"];
  return (
    dirs
      .filter(Boolean)
      .map((dir) => join(dir, name))
      .find((path) => existsSync(path)) ?? null
  );
}

function apt(args) {
  print(`$ apt-get ${args.join(" ")}`);
  const result = spawnSync("apt-get", ["-q", "-o", "DPkg::Lock::Timeout=120", ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 15 * 60_000,
  });
  return result.status === 0;
}

/** apt-get install, running apt-get update first only if the package lists lack a package. */
function aptInstall(names) {
  const policy = spawnSync("apt-cache", ["policy", ...names], { encoding: "utf8" }).stdout ?? "";
  const known = policy.match(/Candidate: (?!\(none\))/g)?.length === names.length;
  const install = ["install", "-y", "--no-install-recommends", ...names];
  // Debian's postinst would start the prometheus/alertmanager daemons (:9090, :9093);
  // a policy-rc.d answering 101 ("action forbidden") stops that. Docker images ship one.
  const policyRcD = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policyRcD);
  if (ownPolicy) writeFileSync(policyRcD, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    if (known && apt(install)) return;
    const ok = apt(["update"]) && apt(install);
    if (!ok) throw new Error(`apt-get install ${names.join(" ")} failed`);
  } finally {
    if (ownPolicy) rmSync(policyRcD);
  }
}

const missing = Object.keys(packages).filter((tool) => !findTool(tool));
const toInstall = missing.map((tool) => packages[tool]);
if (missing.length > 0 && process.getuid?.() === 0) {
  const started = Date.now();
  try {
    aptInstall(toInstall);
    print(`installed ${toInstall.join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } catch (error) {
    console.error(error.message);
  }
} else if (missing.length > 0) {
  console.error(`${missing.join(" and ")} not found. Install (Debian/Ubuntu) with:`);
  const install = `apt-get install -y --no-install-recommends ${toInstall.join(" ")}`;
  console.error(`  sudo sh -c 'apt-get update && ${install}'`);
}

let passed = 0;
let failed = 0;
for (const [tool, ...args] of checks) {
  const command = `${tool} ${args.join(" ")}`;
  print(`\n$ ${command}`);
  const path = findTool(tool);
  const result = path ? spawnSync(path, args, { cwd: root, stdio: "inherit" }) : null;
  if (result?.status === 0) {
    passed++;
    continue;
  }
  failed++;
  const reason = path ? (result.error?.message ?? `exit ${result.status}`) : `${tool} not found`;
  console.error(`FAIL: ${command} (${reason})`);
}
print(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
