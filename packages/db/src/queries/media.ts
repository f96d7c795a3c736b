import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "../client";
import { media } from "../schema";

export async function insertMedia(
  tx: Executor,
  row: {
    ownerId: number;
    contentType: string;
    byteSize: number;
    width: number;
    height: number;
    storageKey: string;
  },
) {
  const [inserted] = await tx.insert(media).values(row).returning({ id: media.id });
  return inserted!.id;
}

export async function getMedia(db: Executor, id: number) {
  const [row] = await db.select().from(media).where(eq(media.id, id));
  return row;
}

/**
 * Claims an upload for the thumbnail job: only from `uploaded`, or from `processing` when a
 * retry resumes it. False when the media is gone, ready or failed: there is nothing to do.
 */
export async function markMediaProcessing(db: Executor, id: number) {
  const rows = await db
    .update(media)
    .set({ status: "processing" })
    .where(and(eq(media.id, id), inArray(media.status, ["uploaded", "processing"])))
    .returning({ id: media.id });
  return rows.length > 0;
}

export async function markMediaReady(db: Executor, id: number, thumbnails: Record<string, string>) {
  await db.update(media).set({ status: "ready", thumbnails }).where(eq(media.id, id));
}

export async function markMediaFailed(db: Executor, id: number) {
  await db
    .update(media)
    .set({ status: "failed" })
    .where(and(eq(media.id, id), inArray(media.status, ["uploaded", "processing"])));
}

/** Whose a media is and what it holds: what deciding whether it may be a post's cover needs. */
export async function getMediaOwnership(db: Executor, id: number) {
  const [row] = await db
    .select({ ownerId: media.ownerId, contentType: media.contentType })
    .from(media)
    .where(eq(media.id, id));
  return row;
}
