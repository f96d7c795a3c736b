/** What the editor offers in its file picker; the api decides by the bytes, not by this. */
export const COVER_TYPES = "image/jpeg,image/png,image/webp,image/gif";

export type UploadOutcome = { ok: true; id: number } | { ok: false; message: string };

const megabytes = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MB`;

/**
 * Sends a cover image to `POST /media` on the dashboard's own origin (forwarded to apps/api
 * with the session cookie). A file over the limit is refused here at once rather than after
 * its upload; everything else (what the image is, its size in pixels) the api checks, and its
 * message is what the person reads.
 */
export async function uploadCover(file: File, maxBytes: number): Promise<UploadOutcome> {
  if (file.size === 0) return { ok: false, message: "The file is empty." };
  if (file.size > maxBytes) {
    return { ok: false, message: `The image is larger than ${megabytes(maxBytes)}.` };
  }
  let response: Response;
  try {
    response = await fetch("/media", {
      method: "POST",
      body: file,
      headers: { "content-type": file.type || "application/octet-stream" },
    });
  } catch {
    return { ok: false, message: "Could not reach the api. Try the upload again." };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && isObject(body) && typeof body.id === "number")
    return { ok: true, id: body.id };
  if (isObject(body) && typeof body.error === "string") return { ok: false, message: body.error };
  return { ok: false, message: `The upload failed (HTTP ${response.status}). Try again.` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
