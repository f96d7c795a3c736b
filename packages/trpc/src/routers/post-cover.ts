import { THUMBNAIL_WIDTHS } from "@brisk/jobs";

type ThumbnailWidth = (typeof THUMBNAIL_WIDTHS)[number];

/** A cover as a post read loads it: the media row's status, size and thumbnail keys. */
interface CoverRow {
  id: number;
  status: "uploaded" | "processing" | "ready" | "failed";
  width: number | null;
  height: number | null;
  thumbnails: Record<string, string>;
}

/**
 * A cover as clients see it: the original's size (its aspect ratio, so a page reserves the
 * space) and, once the thumbnail job has made them, a link per thumbnail width. Storage keys
 * stay inside: a client gets the links only.
 */
export interface PostCover {
  id: number;
  status: CoverRow["status"];
  width: number | null;
  height: number | null;
  urls: Record<ThumbnailWidth, string> | null;
}

function urlsOf(
  thumbnails: Record<string, string>,
  url: (key: string) => string,
): PostCover["urls"] {
  const entries = THUMBNAIL_WIDTHS.map((width) => [width, thumbnails[width]] as const);
  if (entries.some(([, key]) => key === undefined)) return null;
  return Object.fromEntries(entries.map(([width, key]) => [width, url(key!)])) as Record<
    ThumbnailWidth,
    string
  >;
}

/** The post with its cover as clients see it (null when it has none). */
export function withCover<T extends { cover: CoverRow | null }>(
  post: T,
  url: (key: string) => string,
): Omit<T, "cover"> & { cover: PostCover | null } {
  const { cover, ...rest } = post;
  if (!cover) return { ...rest, cover: null };
  const { thumbnails, ...shown } = cover;
  return {
    ...rest,
    cover: { ...shown, urls: cover.status === "ready" ? urlsOf(thumbnails, url) : null },
  };
}
