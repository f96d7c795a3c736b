import { forwardToApi } from "@/server/forward-to-api";

/**
 * `POST /media` (a cover upload) and `GET /media/<key>` (a stored image or thumbnail) on the
 * dashboard's own origin, forwarded to apps/api as the /trpc route forwards procedure calls:
 * the browser's cookie and Origin go on, so apps/api decides who uploads and refuses other
 * sites. Unlike /trpc, bodies stream both ways: an upload reaches the api as it arrives (with
 * its Content-Length, which the api checks before reading), an image without being buffered.
 */
export const dynamic = "force-dynamic";

export { forwardToApi as GET, forwardToApi as HEAD, forwardToApi as POST };
