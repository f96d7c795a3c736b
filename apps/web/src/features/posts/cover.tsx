import type { RouterOutputs } from "@brisk/api-contract";
import { clsx } from "clsx";
import styles from "./cover.module.css";

export type Cover = NonNullable<RouterOutputs["posts"]["byId"]["cover"]>;
type Ready = Cover & { urls: NonNullable<Cover["urls"]> };

const WIDTHS = [160, 640, 1280] as const;

export function isReady(cover: Cover): cover is Ready {
  return cover.status === "ready" && cover.urls !== null;
}

/** What a cover without thumbnails says instead. */
export function coverStatusText(cover: Cover) {
  if (cover.status === "failed") return "The thumbnails could not be made";
  return "Making thumbnails…";
}

/**
 * The size a thumbnail really has: the job never enlarges, so an original narrower than a
 * width gives a thumbnail as wide as itself. srcset must tell the browser the truth, and
 * two thumbnails of one size are one candidate.
 */
function candidates(cover: Ready) {
  const seen = new Set<number>();
  const out: { url: string; width: number; height: number }[] = [];
  for (const width of WIDTHS) {
    const actual = cover.width ? Math.min(width, cover.width) : width;
    if (seen.has(actual)) continue;
    seen.add(actual);
    const height =
      cover.width && cover.height ? Math.round((actual * cover.height) / cover.width) : actual;
    out.push({ url: cover.urls[width], width: actual, height });
  }
  return out;
}

/**
 * A ready cover at the size the browser picks from the thumbnails. A plain <img>, not
 * next/image: its optimizer would decode and re-encode WebPs the thumbnail job already made
 * at these widths, on the dashboard's CPU. `width`/`height` give the aspect ratio, so the
 * page keeps the space before the image arrives.
 */
export function CoverImage({
  cover,
  sizes,
  preferred,
  alt,
  className,
  eager = false,
}: {
  cover: Ready;
  /** The `sizes` attribute: how wide the image is laid out. */
  sizes: string;
  /** The `src` for browsers without srcset, and the size given as width/height. */
  preferred: (typeof WIDTHS)[number];
  alt: string;
  className?: string | undefined;
  eager?: boolean;
}) {
  const all = candidates(cover);
  const fallback = all.find((c) => c.url === cover.urls[preferred]) ?? all.at(-1)!;
  return (
    // biome-ignore lint/performance/noImgElement: the thumbnails are already the right sizes
    <img
      className={clsx(styles.coverImage, className)}
      src={fallback.url}
      srcSet={all.map((c) => `${c.url} ${c.width}w`).join(", ")}
      sizes={sizes}
      width={fallback.width}
      height={fallback.height}
      alt={alt}
      loading={eager ? "eager" : "lazy"}
      decoding="async"
      data-testid="cover-image"
    />
  );
}

/**
 * The smallest thumbnail alone, for a list's card: one small download per row, whatever the
 * screen (a srcset could pick a larger one already cached from the post page, or for 2×).
 */
export function CoverThumbnail({ cover, className }: { cover: Ready; className?: string }) {
  const [smallest] = candidates(cover);
  return (
    // biome-ignore lint/performance/noImgElement: the thumbnail is already the right size
    <img
      className={clsx(styles.coverImage, className)}
      src={smallest!.url}
      width={smallest!.width}
      height={smallest!.height}
      alt=""
      loading="lazy"
      decoding="async"
      data-testid="cover-image"
    />
  );
}

/** A cover whose thumbnails are not there: a neutral box of its shape, saying why. */
export function CoverPlaceholder({ cover, className }: { cover: Cover; className?: string }) {
  const ratio = cover.width && cover.height ? `${cover.width} / ${cover.height}` : undefined;
  return (
    <div
      className={clsx(styles.coverPlaceholder, className)}
      style={{ aspectRatio: ratio }}
      role="img"
      aria-label={`Cover: ${coverStatusText(cover)}`}
      data-testid="cover-placeholder"
      data-status={cover.status}
    >
      <span>{coverStatusText(cover)}</span>
    </div>
  );
}
