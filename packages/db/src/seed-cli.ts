import postgres from "postgres";
import { runMigrations } from "./migrate";
import { seed } from "./seed";

/** `pnpm db:seed <url>`: migrate, then seed an empty database with a progress bar. */
export async function seedWithProgress(url: string, options: { demo: boolean }) {
  await runMigrations(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = Date.now();
  try {
    const result = await seed(sql, {
      demo: options.demo,
      onProgress(step, done, total) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        process.stderr.write(
          `\r  seeding ${step.padEnd(14)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round((done / total) * 100)}%`,
        );
        if (done === total) process.stderr.write("\n");
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return { ...result, seconds };
  } finally {
    await sql.end();
  }
}
