import { z } from "zod";

/** The only place this package reads process.env: `pnpm simulator` settings. */
const schema = z.object({
  PROVIDER_SIMULATOR_HOST: z.string().min(1).max(200).default("127.0.0.1"),
  PROVIDER_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(8290),
});

export function loadSimulatorEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([key, messages]) => `  ${key}: ${(messages as string[] | undefined)?.join(", ")}`)
      .join("\n");
    throw new Error(`Invalid environment for the provider simulator:\n${problems}`);
  }
  return parsed.data;
}
