import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { useStack } from "./stack";

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
}

/** A stand-in OTLP/HTTP collector: keeps what the servers export, as JSON. */
const received: ExportedSpan[] = [];
const collector = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    const payload = JSON.parse(body) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { name: string; traceId: string }[] }[];
      }[];
    };
    for (const resourceSpans of payload.resourceSpans) {
      const service =
        resourceSpans.resource.attributes.find((a) => a.key === "service.name")?.value
          .stringValue ?? "";
      for (const scope of resourceSpans.scopeSpans) {
        for (const span of scope.spans)
          received.push({ service, name: span.name, traceId: span.traceId });
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

// Every trace recorded (production records one in ten), so the one followed here is.
const exportTo = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER_ARG: "1" };
const stack = useStack({ users: 25, postsPerUser: 3 }, { apiEnv: exportTo, webEnv: exportTo });

describe("traces across the dashboard server and the api", () => {
  it("exports one trace from the Next.js server through /trpc into the api's SQL", async () => {
    const res = await fetch(
      `${stack.web}/trpc/users.list?input=${encodeURIComponent('{"limit":2}')}`,
    );
    expect(res.status).toBe(200);
    const traceId = res.headers.get("x-trace-id");
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    // Batch exporters flush every few seconds.
    await expect
      .poll(
        () => received.filter((s) => s.traceId === traceId).map((s) => `${s.service} ${s.name}`),
        {
          timeout: 20_000,
          interval: 500,
        },
      )
      .toEqual(
        expect.arrayContaining([
          "brisk-web GET /trpc/[...path]",
          "brisk-api GET /trpc/users.list",
          "brisk-api trpc users.list",
          "brisk-api SELECT users",
        ]),
      );
  });

  it("traces the server render's in-process procedure calls", async () => {
    expect((await fetch(`${stack.web}/authors`)).status).toBe(200);
    await expect
      .poll(() => received.some((s) => s.service === "brisk-web" && s.name === "trpc users.list"), {
        timeout: 20_000,
        interval: 500,
      })
      .toBe(true);
  });
});
