import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: [
    "@brisk/api-contract",
    "@brisk/cache",
    "@brisk/charts",
    "@brisk/db",
    "@brisk/jobs",
    "@brisk/resilience",
    "@brisk/trpc",
  ],
  // pino resolves its worker files at run time, so it must stay a Node module (Next lists it
  // by default too; spelled out here because the api context needs a real pino Logger).
  serverExternalPackages: ["pino"],
  // The dev launcher and e2e tests reach the dev server as 127.0.0.1, not only localhost.
  allowedDevOrigins: ["127.0.0.1"],
  // Bottom left would sit on the sidebar's Sign in link.
  devIndicators: { position: "bottom-right" },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
