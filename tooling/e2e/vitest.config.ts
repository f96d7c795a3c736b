import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.e2e.test.ts"],
    globalSetup: ["@brisk/db/testing/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
