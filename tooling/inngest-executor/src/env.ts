import { z } from "zod";

/** The only place this package reads process.env: `pnpm executor` settings. */
const schema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  INNGEST_EXECUTOR_HOST: z.string().min(1).max(255).default("127.0.0.1"),
  // Inngest's dev server port, so INNGEST_DEV=http://127.0.0.1:8288 works unchanged.
  INNGEST_EXECUTOR_PORT: z.coerce.number().int().min(0).max(65_535).default(8288),
});

export type ExecutorEnv = z.infer<typeof schema>;

export function loadExecutorEnv(
  source: Record<string, string | undefined> = process.env,
): ExecutorEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([key, messages]) => `  ${key}: ${(messages as string[] | undefined)?.join(", ")}`)
      .join("\n");
    throw new Error(`Invalid environment for pnpm executor:\n${problems}`);
  }
  return parsed.data;
}

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  sync: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(20)
    .default([]),
  // Tests only: a fixed retry delay instead of Inngest's schedule.
  "backoff-ms": z.coerce.number().int().min(0).max(3_600_000).optional(),
});

/** `--port` overrides the env; `--sync <serve URL>` may repeat; `--backoff-ms` is for tests. */
export function parseExecutorArgs(values: {
  port?: string;
  sync?: string[];
  "backoff-ms"?: string;
}) {
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    throw new Error(`Invalid arguments for pnpm executor: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
