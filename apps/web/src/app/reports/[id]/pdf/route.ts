import { forwardToApi } from "@/server/forward-to-api";

/**
 * `GET /reports/<id>/pdf`: a report's PDF from apps/api, which lets only its orderer and
 * admins have it; the browser's session cookie goes on with the request. The link in the
 * "report ready" email leads here.
 */
export const dynamic = "force-dynamic";

export { forwardToApi as GET, forwardToApi as HEAD };
