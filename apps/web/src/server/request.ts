import "server-only";
import { clientAddress, nextRequest, type RequestInfo, requestId } from "@brisk/trpc";
import { cookies, headers } from "next/headers";
import { serverEnv } from "@/env";

/**
 * How many X-Forwarded-For entries from its end the client's address is. Next hides the socket
 * but writes its peer into X-Forwarded-For when the request has none: with no proxy in front
 * that is the client, the last entry. Behind TRUST_PROXY_HOPS proxies the header is theirs
 * and Next adds nothing, so the client is that many from the end. Next keeps a header the
 * client sent, though: without a proxy in front that overwrites or appends to it, the address
 * is the client's word (docs/ARCHITECTURE.md, "Client addresses").
 */
function clientHops(): number {
  return Math.max(1, serverEnv().TRUST_PROXY_HOPS);
}

/** The request being rendered (or the action being run), as procedures see requests. */
export async function currentRequest(): Promise<RequestInfo> {
  const [incoming, store] = await Promise.all([headers(), cookies()]);
  return nextRequest({
    id: requestId(incoming.get("x-request-id")),
    ip: clientAddress(undefined, incoming.get("x-forwarded-for") ?? undefined, clientHops()),
    headers: incoming,
    cookies: store,
  });
}

/**
 * X-Forwarded-For for a request the dashboard passes on to apps/api (the /trpc route): the
 * entries up to the client's address, which ends it, as if the dashboard had appended what
 * it saw. apps/api then finds the client one hop back (TRUST_PROXY_HOPS=1 there), whatever
 * stands in front of the dashboard; the proxies between are the dashboard's business.
 */
export function forwardedFor(incoming: string | null): string | undefined {
  const entries = (incoming ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const client = Math.max(0, entries.length - clientHops());
  return entries.slice(0, client + 1).join(", ");
}
