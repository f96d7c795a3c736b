import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Cookies, parseCookie, stringifySetCookie } from "cookie";

export interface CookieOptions {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none";
  path?: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge?: number;
  expires?: Date;
}

/**
 * What a procedure sees of the request that called it, and what it may add to the response,
 * the same in both hosts: apps/api over HTTP and the dashboard's server components and actions.
 */
export interface RequestInfo {
  /** The caller's `x-request-id` when it is acceptable, else a new one; on every log line. */
  readonly id: string;
  /** The client's address: the peer's, or from X-Forwarded-For past trusted proxies. */
  readonly ip: string | undefined;
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  setHeader(name: string, value: string): void;
  setCookie(name: string, value: string, options: CookieOptions): void;
  /**
   * Calls `start` once the response has been written (over HTTP), or on the next turn of the
   * event loop where there is no response of its own to wait for (in-process calls).
   */
  afterResponse(start: () => void): void;
}

/** Where no response of the request's own is written: as soon as the caller has its answer. */
export const nextTurn = (start: () => void) => {
  setImmediate(start);
};

// Accept a caller's id (a proxy's, a load balancer's, the dashboard's) only if short and plain.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(given: string | null | undefined): string {
  return given && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

/**
 * The client's address. With `trustedHops` proxies in front (load balancers, the dashboard's
 * /trpc forward), it is the address the farthest trusted one saw: X-Forwarded-For's entry
 * that many places from its end. Anything further left was written by the client.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string | undefined {
  if (trustedHops === 0 || !forwardedFor) return peer;
  const hops = forwardedFor.split(",").map((hop) => hop.trim());
  return hops[Math.max(0, hops.length - trustedHops)] ?? peer;
}

/** A request to apps/api: headers and cookies from Node's request, additions to its response. */
export function nodeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  trustedHops = 0,
): RequestInfo {
  let cookies: Cookies | undefined;
  let afterResponse: (() => void)[] | undefined;
  const flush = () => {
    const starts = afterResponse ?? [];
    afterResponse = undefined;
    for (const start of starts) start();
  };
  const writable = (name: string) => {
    if (res.headersSent) throw new Error(`Cannot set ${name}: the response has started`);
  };
  const forwarded = req.headers["x-forwarded-for"];
  return {
    id,
    ip: clientAddress(
      req.socket.remoteAddress,
      Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
      trustedHops,
    ),
    header(name) {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    cookie(name) {
      cookies ??= parseCookie(req.headers.cookie ?? "");
      return cookies[name];
    },
    setHeader(name, value) {
      writable(name);
      res.setHeader(name, value);
    },
    setCookie(name, value, options) {
      writable(`cookie ${name}`);
      res.appendHeader("set-cookie", stringifySetCookie(name, value, options));
    },
    afterResponse(start) {
      if (res.writableFinished || res.destroyed) return nextTurn(start);
      if (!afterResponse) {
        afterResponse = [];
        // Written whole ('finish'), or cut off by the client ('close' without it): either way
        // nobody waits for this response any more.
        res.once("finish", flush);
        res.once("close", flush);
      }
      afterResponse.push(start);
    },
  };
}

/** What a request needs of Next's `headers()` and `cookies()` (next/headers), awaited. */
export interface NextRequestParts {
  id: string;
  /** Next's server adds the client's address to X-Forwarded-For itself. */
  ip: string | undefined;
  headers: { get(name: string): string | null };
  cookies: {
    get(name: string): { value: string } | undefined;
    set(name: string, value: string, options: CookieOptions): unknown;
  };
}

/**
 * A server render or server action in the dashboard. Cookies go through Next's store, which
 * accepts them in actions and route handlers only (Next's rule: a page render cannot set
 * one). Next gives neither a way to add other response headers, so those are dropped.
 */
export function nextRequest(parts: NextRequestParts): RequestInfo {
  return {
    id: parts.id,
    ip: parts.ip,
    header: (name) => parts.headers.get(name) ?? undefined,
    cookie: (name) => parts.cookies.get(name)?.value,
    setHeader() {},
    setCookie(name, value, options) {
      parts.cookies.set(name, value, options);
    },
    afterResponse: nextTurn,
  };
}

/** A call the process makes itself (the boot warm-up): no headers, no response. */
export function internalRequest(id: string): RequestInfo {
  const noResponse = () => {
    throw new Error("An internal call has no response to set headers or cookies on");
  };
  return {
    id,
    ip: undefined,
    header: () => undefined,
    cookie: () => undefined,
    setHeader: noResponse,
    setCookie: noResponse,
    afterResponse: nextTurn,
  };
}
