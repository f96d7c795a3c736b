import { markMediaReady } from "@brisk/db/queries/media";
import type { JobDefinition } from "../definition";
import { events } from "../events";
import {
  coverOwner,
  failCoverThumbnails,
  makeThumbnail,
  startCoverThumbnails,
  THUMBNAIL_WIDTHS,
} from "./make-cover-thumbnails.handler";

/**
 * A cover's WebP thumbnails, one step per width so a retry redoes only what failed. Inngest
 * drops a second run for the same media within 24 h (idempotency); a later one finds the
 * media ready and does nothing. A run that fails for good marks the media failed.
 */
export const MAKE_COVER_THUMBNAILS = {
  id: "make-cover-thumbnails",
  name: "Make a cover's thumbnails",
  trigger: events.mediaUploaded,
  idempotency: "event.data.mediaId",
  retries: 3,
  // start, one per width, ready; the uploader watches their cover's progress.
  progress: {
    steps: 2 + THUMBNAIL_WIDTHS.length,
    owner: ({ data, deps }) => coverOwner(deps, data.mediaId),
    subject: (data) => `media:${data.mediaId}`,
  },
  handler: async ({ data, io, deps }) => {
    const started = await io.step("start", () => startCoverThumbnails(deps, data.mediaId));
    if (!started) return { outcome: "nothing-to-do" as const };
    const thumbnails: Record<string, string> = {};
    for (const width of THUMBNAIL_WIDTHS) {
      const key = await io.step(`webp-${width}`, () => makeThumbnail(deps, data.mediaId, width));
      if (key === undefined) return { outcome: "no-such-media" as const };
      thumbnails[width] = key;
    }
    await io.step("ready", () => markMediaReady(deps.db, data.mediaId, thumbnails));
    return { outcome: "ready" as const, thumbnails };
  },
  onFailure: ({ data, deps }) => failCoverThumbnails(deps, data.mediaId),
} satisfies JobDefinition<typeof events.mediaUploaded>;
