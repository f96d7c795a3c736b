import { z } from "zod";

/** The only place this package reads process.env: `pnpm bridge` settings. */
const schema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  UPSTASH_BRIDGE_HOST: z.string().min(1).default("127.0.0.1"),
  UPSTASH_BRIDGE_PORT: z.coerce.number().int().min(0).max(65_535).default(8079),
  // @upstash/redis warns about tokens with whitespace: it would send them as they are.
  UPSTASH_BRIDGE_TOKEN: z
    .string()
    .regex(/^\S+$/, "no whitespace")
    .max(1_000)
    .default("brisk-dev-token"),
});

export type BridgeEnv = z.infer<typeof schema>;

export function loadBridgeEnv(source: Record<string, string | undefined> = process.env): BridgeEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([key, messages]) => `  ${key}: ${(messages as string[] | undefined)?.join(", ")}`)
      .join("\n");
    throw new Error(`Invalid environment for pnpm bridge:\n${problems}`);
  }
  return parsed.data;
}
