import type { IncomingMessage, ServerResponse } from "node:http";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Route {
  /** An exact path, or with `prefix` everything under it (`/trpc/` and all procedures). */
  path: string;
  prefix?: boolean;
  methods: readonly string[];
  /** Application traffic: counted for draining, traced and logged. Probes are not. */
  traffic?: boolean;
  handle: Handler;
}

type Dispatch = { found: Route } | { status: 404 } | { status: 405; allow: readonly string[] };

/** Which route a request goes to, or why none: an unknown path, or a method it does not take. */
export function dispatch(routes: readonly Route[], method: string, path: string): Dispatch {
  const route = routes.find((r) => (r.prefix ? path.startsWith(r.path) : path === r.path));
  if (!route) return { status: 404 };
  if (!route.methods.includes(method)) return { status: 405, allow: route.methods };
  return { found: route };
}

export function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
