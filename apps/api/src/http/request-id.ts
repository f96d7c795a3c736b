import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

// Accept a caller's id (a proxy's, a load balancer's) only if it is short and plain.
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && ACCEPTABLE.test(given) ? given : randomUUID();
}
