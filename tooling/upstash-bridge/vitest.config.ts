import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    // The first run on a fresh machine installs Debian's redis-server.
    hookTimeout: 240_000,
  },
});
