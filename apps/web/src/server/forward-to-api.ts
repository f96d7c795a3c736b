import "server-only";
import { baseEnv } from "@/env";
import { forwardedFor } from "@/server/request";

// Hop-by-hop headers, and the encoding fetch() has already undone on a response. The trace
// context is this hop's to replace: fetch sends its own span's (the api's parent). Passed on as
// it came, it would name an earlier span: with proxy.ts in the chain, Next hands the route the
// middleware's context in these headers, and the api's spans fell out of the dashboard's trace.
const DROPPED_REQUEST = [
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "traceparent",
  "tracestate",
];
const DROPPED_RESPONSE = [...DROPPED_REQUEST, "content-length", "content-encoding"];

/**
 * A request to the dashboard's origin passed on to apps/api at the same path, as the /trpc
 * route forwards procedure calls: the browser's cookie and Origin go on, so apps/api decides
 * who may do what. Bodies stream both ways (an upload as it arrives, a download unbuffered).
 */
export async function forwardToApi(
  request: Request,
  unreachable: unknown = { error: "The api is unreachable. Retry shortly." },
): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of DROPPED_REQUEST) headers.delete(name);
  const client = forwardedFor(request.headers.get("x-forwarded-for"));
  if (client) headers.set("x-forwarded-for", client);
  else headers.delete("x-forwarded-for");
  const hasBody = request.method === "POST";
  try {
    const upstream = await fetch(`${baseEnv().API_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // A streamed request body is sent while the answer may already arrive (Node's fetch).
      ...(hasBody ? { duplex: "half" } : {}),
      redirect: "manual",
      // A browser that goes away stops the upload or download upstream too.
      signal: request.signal,
    } as RequestInit);
    const out = new Headers(upstream.headers);
    for (const name of DROPPED_RESPONSE) out.delete(name);
    return new Response(upstream.body, { status: upstream.status, headers: out });
  } catch {
    return Response.json(unreachable, { status: 502, headers: { "retry-after": "2" } });
  }
}
