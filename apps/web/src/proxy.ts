import { type NextRequest, NextResponse } from "next/server";
import { securityEnv } from "@/env";
import { securityHeaders } from "@/server/security-headers";

// The route handlers that pass a request on to apps/api (app/trpc, app/media, a report's PDF):
// they render nothing that needs the nonce, and the policy would reach the api as a header.
const FORWARDED_TO_API = /^\/(trpc\/|media(\/|$)|reports\/[^/]+\/pdf$)/;

/**
 * Every response gets the security headers. Pages are all rendered per request (the layout
 * reads the session), so Next finds this request's nonce in the Content-Security-Policy
 * request header and puts it on the scripts and style tags it renders.
 */
export function proxy(request: NextRequest) {
  const env = securityEnv();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders(nonce, {
    mode: env.NODE_ENV,
    mediaOrigin: env.MEDIA_PUBLIC_URL && new URL(env.MEDIA_PUBLIC_URL).origin,
  });
  let response: NextResponse;
  if (FORWARDED_TO_API.test(request.nextUrl.pathname)) {
    response = NextResponse.next();
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("content-security-policy", headers["content-security-policy"]!);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Build output is immutable files; everything else (pages and route handlers) passes here.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
