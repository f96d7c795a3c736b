import { baseEnv } from "@/env";
import { forwardedFor } from "@/server/request";

/**
 * Browsers call tRPC on the dashboard's own origin (no CORS); this forwards to apps/api. A
 * route handler rather than a next.config rewrite, because rewrites are frozen at build time
 * and API_URL belongs to the deployment, not the build.
 *
 * The browser's headers go on as they came, so apps/api sees what the browser sent: the
 * session cookie (who is calling) and Origin (which its cross-site check compares with
 * DASHBOARD_ORIGINS). X-Forwarded-For ends with the client's address, for its rate limits.
 *
 * Subscriptions (job progress) are server-sent events: the upstream body is handed on as a
 * stream, unbuffered (tRPC marks it `no-transform`, so Next does not compress it), Last-Event-ID
 * goes up with the other headers, and a browser that goes away aborts the upstream request.
 */
export const dynamic = "force-dynamic";

// Hop-by-hop headers, and those that fetch() has already acted on (it decompresses bodies).
const DROPPED = [
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
];

async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of DROPPED) headers.delete(name);
  const client = forwardedFor(request.headers.get("x-forwarded-for"));
  if (client) headers.set("x-forwarded-for", client);
  else headers.delete("x-forwarded-for");
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  try {
    const upstream = await fetch(`${baseEnv().API_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      signal: request.signal,
    });
    const out = new Headers(upstream.headers);
    for (const name of DROPPED) out.delete(name);
    return new Response(upstream.body, { status: upstream.status, headers: out });
  } catch {
    return Response.json(
      { error: { message: "The api is unreachable. Retry shortly.", code: -32603 } },
      { status: 502, headers: { "retry-after": "2" } },
    );
  }
}

export { forward as GET, forward as POST };
