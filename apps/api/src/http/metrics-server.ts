import http from "node:http";
import type { Registry } from "prom-client";
import { takeCpuProfile } from "./cpu-profile";

/**
 * The operators' listener, apart from the public port: Prometheus scrapes /metrics here from
 * inside the network, and an operator takes a CPU profile with
 * `curl -o api.cpuprofile 'http://<host>:9464/debug/cpu-profile?seconds=10'`. The ingress
 * only knows the api's port, so neither is reachable from outside.
 */
export function createMetricsServer(registry: Registry) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://internal");
    if (url.pathname === "/debug/cpu-profile") {
      const seconds = Number(url.searchParams.get("seconds") ?? 10);
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60) {
        res
          .writeHead(400, { "content-type": "text/plain" })
          .end("seconds: a whole number, 1 to 60");
        return;
      }
      const profile = await takeCpuProfile(seconds);
      if (!profile) {
        res.writeHead(409, { "content-type": "text/plain" }).end("a profile is already running");
        return;
      }
      res
        .writeHead(200, {
          "content-type": "application/json",
          "content-disposition": `attachment; filename="brisk-api-${process.pid}.cpuprofile"`,
        })
        .end(JSON.stringify(profile));
      return;
    }
    if (url.pathname !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType }).end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  return {
    listen(port: number, host: string) {
      return new Promise<number>((resolve) => {
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
