import type http from "node:http";

/**
 * How long and how much a client may take to send a request, and how long an idle
 * keep-alive connection is kept. The README's settings table gives the env names.
 */
export interface HttpLimits {
  /** From a request's first byte to the end of its headers; then 408 and the socket closed. */
  headersTimeoutMs: number;
  /** From a request's first byte to the end of its body. A response (an SSE stream too) may
   * last longer: Node stops timing a request once it is received. */
  requestTimeoutMs: number;
  /** Request line and headers together; above it, 431 and the socket closed. */
  maxHeaderBytes: number;
  /** An idle keep-alive socket is closed after this. Longer than the idle timeout of the load
   * balancer in front, so the balancer always closes first and never sends a request onto a
   * socket this server is closing (a 502 for a request that did nothing wrong). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 20_000,
  // A 10 MiB cover upload (MEDIA_MAX_BYTES) at 1 Mbit/s takes about 80 s.
  requestTimeoutMs: 120_000,
  maxHeaderBytes: 16 * 1024,
  // Above the 60 s idle timeout of AWS's ALB and nginx's default.
  keepAliveTimeoutMs: 65_000,
};

/**
 * node:http's options for `limits`. No cap on requests per socket: Node answers 503 to what a
 * client sends on a socket past its cap, and a balancer in front spreads requests anyway.
 */
export function serverOptions(limits: HttpLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node looks for expired requests on this interval (30 s by default), so a timeout is
    // enforced up to one interval late: keep that small beside the headers timeout.
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)),
  };
}
