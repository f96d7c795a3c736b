import { z } from "zod";
import { VARIANTS } from "./workloads";

const schema = z.object({
  json: z.string().optional(),
  duration: z.coerce.number().int().min(1).max(60).default(10),
  warmup: z.coerce.number().int().min(0).max(30).default(3),
  connections: z.coerce.number().int().min(1).max(1_000).default(32),
  // Each database round trip this much longer for the N+1 rows (0: no such rows).
  "db-latency-ms": z.coerce.number().min(0).max(100).default(1),
  // Only these variants (names from the report, comma-separated): a quick look at a few.
  only: z
    .string()
    .transform((list) => list.split(",").map((name) => name.trim()))
    .pipe(z.array(z.enum(VARIANTS)).min(1))
    .optional(),
});
export type BenchArgs = z.infer<typeof schema>;

/**
 * `--json FILE --duration 10 --warmup 3 --connections 32 --db-latency-ms 1 --only a,b`, each
 * optional.
 */
export function parseArgs(argv: string[]): BenchArgs {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--") continue;
    if (!flag.startsWith("--")) throw new Error(`unexpected argument: ${flag}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    raw[flag.slice(2)] = value;
  }
  return schema.strict().parse(raw);
}
