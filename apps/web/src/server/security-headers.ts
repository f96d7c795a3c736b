/**
 * The dashboard's response headers against script injection, framing and leaks, one policy
 * per request (its nonce is new each time). Built by src/proxy.ts; a pure function so the
 * policy reads in one place.
 */

export interface SecuritySettings {
  /** `development` loosens what React's dev tooling needs (eval, unnonced style tags). */
  mode: "development" | "test" | "production";
  /** MEDIA_PUBLIC_URL: covers linked from another origin (the api's, a bucket or CDN). */
  mediaOrigin?: string | undefined;
}

export function contentSecurityPolicy(nonce: string, settings: SecuritySettings): string {
  const dev = settings.mode === "development";
  const directives = {
    "default-src": ["'self'"],
    // Next puts the nonce on its own scripts; 'strict-dynamic' trusts the chunks they load.
    // React's development build evaluates code to rebuild server stacks: only there.
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    // Stylesheets are files (CSS modules); `next dev` injects style tags without a nonce.
    "style-src": ["'self'", dev ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    // React's `style={…}` props (bar widths, tag colours, skeleton sizes) arrive as style
    // attributes in server-rendered HTML. Attributes cannot load anything or select other
    // elements; <style> tags stay under the nonce above.
    "style-src-attr": ["'unsafe-inline'"],
    // Covers come from /media on this origin or from MEDIA_PUBLIC_URL; the editor previews a
    // chosen file from a blob: URL before it is uploaded.
    "img-src": ["'self'", "blob:", ...(settings.mediaOrigin ? [settings.mediaOrigin] : [])],
    "font-src": ["'self'"],
    // Browsers call apps/api only through this origin's /trpc and /media route handlers
    // (subscriptions too), so API_URL itself is never fetched by a page.
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

export function securityHeaders(nonce: string, settings: SecuritySettings): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(nonce, settings),
    // frame-ancestors for browsers that predate it.
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    // Full URLs stay on this origin (apps/api falls back to the Referer's origin when a
    // browser sends no Origin); other sites see the origin only, and nothing over plain HTTP.
    "referrer-policy": "strict-origin-when-cross-origin",
    // Nothing in the dashboard uses these; an injected frame or script cannot ask for them.
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    // Production is served over TLS (a load balancer in front); a development server is not.
    // No includeSubDomains: the dashboard does not own the other hosts under its domain.
    ...(settings.mode === "production" ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}
