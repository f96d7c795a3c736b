import { forwardToApi } from "@/server/forward-to-api";

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

// What a tRPC client reads when the api cannot be reached: an error in tRPC's shape.
const UNREACHABLE = { error: { message: "The api is unreachable. Retry shortly.", code: -32603 } };

function forward(request: Request) {
  return forwardToApi(request, UNREACHABLE);
}

export { forward as GET, forward as POST };
