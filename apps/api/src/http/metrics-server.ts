import http from "node:http";
import type { Registry } from "prom-client";

/**
 * /metrics on a listener of its own, so the public port never serves it: Prometheus scrapes
 * this port from inside the network, and the ingress only knows the api's.
 */
export function createMetricsServer(registry: Registry) {
  const server = http.createServer(async (req, res) => {
    if (req.url !== "/metrics") {
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
