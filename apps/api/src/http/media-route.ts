import type { IncomingMessage, ServerResponse } from "node:http";
import { isStorageKey, type Jobs, tooLarge } from "@brisk/jobs";
import {
  type Context,
  crossSiteRefusal,
  type Logger,
  nodeRequest,
  type RequestInfo,
} from "@brisk/trpc";
import { json } from "./routes";

export interface MediaRouteDeps {
  media: Jobs["media"];
  createContext: (request: RequestInfo) => Context;
  log: Logger;
  trustProxyHops: number;
}

/** The body, or undefined once it passes `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number) {
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * `POST /media`: a signed-in user's cover image as the raw body (any content type: what it is
 * is read from its bytes). The same callers as a tRPC mutation: a session from the
 * dashboard's own pages, or a bearer token; the image belongs to a user, so an API key that
 * is no user is refused. `GET /media/<key>`: a stored object, cacheable for good.
 */
export function createMediaRoute(deps: MediaRouteDeps) {
  const { media } = deps;

  async function upload(req: IncomingMessage, res: ServerResponse) {
    const ctx = deps.createContext(
      nodeRequest(req, res, String(res.getHeader("x-request-id")), deps.trustProxyHops),
    );
    // A refused request's body is not read; the connection closes rather than drain it.
    const refuse = (status: number, error: string) => {
      res.setHeader("connection", "close");
      json(res, status, { error });
    };
    const caller = await ctx.caller();
    if (caller.kind === "anonymous") return refuse(401, "Sign in to upload an image.");
    const crossSite = crossSiteRefusal(ctx.request, ctx.auth);
    if (crossSite) return refuse(403, crossSite);
    if (caller.kind !== "user") return refuse(403, "Images belong to a user; an API key is none.");
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > media.limits.maxBytes) return refuse(413, tooLarge(media.limits.maxBytes));
    const bytes = await readBody(req, media.limits.maxBytes);
    if (!bytes) return refuse(413, tooLarge(media.limits.maxBytes));
    const outcome = await media.accept(caller.id, bytes);
    if (!outcome.ok) return json(res, outcome.status, { error: outcome.message });
    ctx.outbox?.wake();
    json(res, 201, { id: outcome.id });
  }

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const key = decodeURIComponent((req.url ?? "").split("?")[0]!.slice("/media/".length));
    const object = isStorageKey(key) ? await media.storage.get(key) : undefined;
    // Only images are public; a report's PDF is its orderer's (`GET /reports/<id>/pdf`).
    if (!object?.contentType.startsWith("image/"))
      return json(res, 404, { error: "No such image." });
    res.writeHead(200, {
      "content-type": object.contentType,
      "content-length": object.bytes.length,
      // A key names one object for good: a new image or thumbnail gets a new key.
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : object.bytes);
  }

  const guarded =
    (handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse) =>
      handle(req, res).catch((error: unknown) => {
        deps.log.error(
          { err: error, reqId: res.getHeader("x-request-id") },
          "media request failed",
        );
        if (!res.headersSent) json(res, 500, { error: "The image could not be handled." });
        else res.destroy();
      });

  return { upload: guarded(upload), serve: guarded(serve) };
}
