import { defineConfig } from "vitest/config";

// Each file starts a whole stack of real processes (its own Postgres, Redis, executor,
// providers, api instances, HAProxy) and kills parts of it: one file at a time, on two cores.
export default defineConfig({
  test: {
    include: ["src/**/*.faults.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
