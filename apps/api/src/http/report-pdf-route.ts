import type { IncomingMessage, ServerResponse } from "node:http";
import { getReportPdf } from "@brisk/db/queries/reports";
import type { MediaStorage } from "@brisk/jobs";
import { type Context, isAdmin, type Logger, nodeRequest, type RequestInfo } from "@brisk/trpc";
import { json } from "./routes";

export interface ReportPdfRouteDeps {
  storage: MediaStorage;
  createContext: (request: RequestInfo) => Context;
  log: Logger;
  trustProxyHops: number;
}

const PATH = /^\/reports\/([1-9]\d{0,9})\/pdf$/;

/**
 * `GET /reports/<id>/pdf`: a finished report's PDF, to the user who ordered it and to admins
 * (a session from the dashboard, forwarded by its `/reports/<id>/pdf` route, or a bearer
 * token or admin API key). Anonymous 401, someone else's report 403, no such report or no
 * PDF yet 404. Never cached by anything shared: the answer depends on who asks.
 */
export function createReportPdfRoute(deps: ReportPdfRouteDeps) {
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const ctx = deps.createContext(
      nodeRequest(req, res, String(res.getHeader("x-request-id")), deps.trustProxyHops),
    );
    const id = PATH.exec((req.url ?? "").split("?")[0]!)?.[1];
    if (!id || Number(id) > 2_147_483_647) return json(res, 404, { error: "No such report." });
    const caller = await ctx.caller();
    if (caller.kind === "anonymous") return json(res, 401, { error: "Sign in to download it." });
    const report = await getReportPdf(ctx.db, Number(id));
    if (!report) return json(res, 404, { error: `No report with id ${id}.` });
    const own = caller.kind === "user" && caller.id === report.requestedById;
    if (!own && !isAdmin(caller)) {
      return json(res, 403, { error: "This report is someone else's." });
    }
    if (report.status !== "done" || !report.storageKey) {
      return json(res, 404, { error: "This report's PDF is not ready yet." });
    }
    const object = await deps.storage.get(report.storageKey);
    if (!object) return json(res, 404, { error: "This report's PDF is missing from storage." });
    res.writeHead(200, {
      "content-type": "application/pdf",
      "content-length": object.bytes.length,
      "content-disposition": `attachment; filename="brisk-report-${id}.pdf"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : object.bytes);
  }

  return (req: IncomingMessage, res: ServerResponse) =>
    serve(req, res).catch((error: unknown) => {
      deps.log.error({ err: error, reqId: res.getHeader("x-request-id") }, "report PDF failed");
      if (!res.headersSent) json(res, 500, { error: "The PDF could not be sent." });
      else res.destroy();
    });
}
