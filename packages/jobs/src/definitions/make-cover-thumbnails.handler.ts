import { getMedia, markMediaFailed, markMediaProcessing } from "@brisk/db/queries/media";
import sharp from "sharp";
import type { JobDeps } from "../definition";

/** The widths a cover is shown at: a card, the post page, a wide screen at 2×. */
export const THUMBNAIL_WIDTHS = [160, 640, 1280] as const;

/** Claims the upload: false when it is gone, ready or failed, and the run has nothing to do. */
export async function startCoverThumbnails(deps: JobDeps, mediaId: number) {
  return markMediaProcessing(deps.db, mediaId);
}

/**
 * One WebP of the original at `width` px, never wider than the original (no upscaling).
 * The key is derived from the media's, so a retried step overwrites the same object rather
 * than leaving another behind. sharp does its work on libuv's threads, off the event loop.
 */
export async function makeThumbnail(deps: JobDeps, mediaId: number, width: number) {
  const row = await getMedia(deps.db, mediaId);
  if (!row) return undefined;
  const original = await deps.storage.get(row.storageKey);
  if (!original) throw new Error(`The original of media ${mediaId} is missing from storage`);
  const bytes = await sharp(original.bytes)
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  const key = `${row.storageKey.replace(/\.[a-z]+$/, "")}-${width}.webp`;
  await deps.storage.put(key, bytes, "image/webp");
  return key;
}

/** Who uploaded the media, and so may watch its thumbnails being made. */
export async function coverOwner(deps: JobDeps, mediaId: number) {
  return (await getMedia(deps.db, mediaId))?.ownerId ?? null;
}

export function failCoverThumbnails(deps: JobDeps, mediaId: number) {
  return markMediaFailed(deps.db, mediaId);
}
