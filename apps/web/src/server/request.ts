import "server-only";
import { nextRequest, type RequestInfo, requestId } from "@brisk/trpc";
import { cookies, headers } from "next/headers";

/** The request being rendered (or the action being run), as procedures see requests. */
export async function currentRequest(): Promise<RequestInfo> {
  const [incoming, store] = await Promise.all([headers(), cookies()]);
  return nextRequest({
    id: requestId(incoming.get("x-request-id")),
    headers: incoming,
    cookies: store,
  });
}
