import { randomUUID } from "node:crypto";
import type { Database } from "@brisk/db";
import { insertMedia } from "@brisk/db/queries/media";
import sharp from "sharp";
import { recordEvent } from "../outbox";
import { extensionOf, type MediaStorage } from "../storage";

/** What an upload may be: a cover image, checked by its content, never by its name. */
export interface UploadLimits {
  /** Larger bodies are refused with 413 (MEDIA_MAX_BYTES). */
  maxBytes: number;
  /** Neither side may be longer (MEDIA_MAX_PIXELS_SIDE). */
  maxSide: number;
}

export const UPLOAD_DEFAULTS: UploadLimits = { maxBytes: 10 * 1024 * 1024, maxSide: 8000 };

const FORMATS: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
};

export type UploadOutcome =
  | { ok: true; id: number }
  | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads the image's header with sharp (libvips sniffs the format from its bytes), stores the
 * original, then inserts the media row and records `media/uploaded` in one transaction, so
 * the thumbnail job runs for every row and for nothing else. An original stored before a
 * failed insert is an orphan file, never a row without its file.
 */
export async function acceptUpload(
  deps: { db: Database; storage: MediaStorage; limits: UploadLimits },
  ownerId: number,
  bytes: Buffer,
): Promise<UploadOutcome> {
  if (bytes.length === 0) return { ok: false, status: 400, message: "The upload is empty." };
  if (bytes.length > deps.limits.maxBytes) {
    return { ok: false, status: 413, message: tooLarge(deps.limits.maxBytes) };
  }
  const metadata = await sharp(bytes)
    .metadata()
    .catch(() => undefined);
  if (!metadata) return { ok: false, status: 415, message: UNSUPPORTED };
  const contentType = metadata.format ? FORMATS[metadata.format] : undefined;
  const extension = contentType && extensionOf(contentType);
  if (!contentType || !extension) return { ok: false, status: 415, message: UNSUPPORTED };
  const { width, height } = metadata;
  if (!width || !height) {
    return { ok: false, status: 400, message: "The image has no readable dimensions." };
  }
  if (width > deps.limits.maxSide || height > deps.limits.maxSide) {
    return {
      ok: false,
      status: 400,
      message: `The image is ${width}×${height} px; neither side may exceed ${deps.limits.maxSide} px.`,
    };
  }
  const storageKey = `${randomUUID()}.${extension}`;
  await deps.storage.put(storageKey, bytes, contentType);
  const id = await deps.db.transaction(async (tx) => {
    const mediaId = await insertMedia(tx, {
      ownerId,
      contentType,
      byteSize: bytes.length,
      width,
      height,
      storageKey,
    });
    await recordEvent(tx, { name: "media/uploaded", data: { mediaId } });
    return mediaId;
  });
  return { ok: true, id };
}

const UNSUPPORTED = "Only JPEG, PNG, WebP and GIF images can be uploaded.";

export const tooLarge = (maxBytes: number) =>
  `The upload is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB.`;
