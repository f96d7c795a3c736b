import { parseArgs } from "node:util";
import { loadSimulatorEnv } from "./env";
import { createProviderSimulator, PROVIDERS } from "./simulator";

/**
 * `pnpm simulator [--port N] [--host H]`: the five external providers on one HTTP server, for
 * `pnpm dev` and for trying faults by hand (`curl -X PUT .../_control/faults`, see README).
 */
const env = loadSimulatorEnv();
const { values } = parseArgs({
  options: {
    port: { type: "string", default: String(env.PROVIDER_SIMULATOR_PORT) },
    host: { type: "string", default: env.PROVIDER_SIMULATOR_HOST },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  throw new Error(`--port: a port number (0–65535), not ${values.port}`);
}

function say(line: string) {
  process.stdout.write(`\x1b[33m[providers]\x1b[0m ${line}\n`);
}

const simulator = createProviderSimulator();
const bound = await simulator.listen(port, values.host);
say(`simulating ${PROVIDERS.join(", ")} at http://${values.host}:${bound}/<provider>/v1/…`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await simulator.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
