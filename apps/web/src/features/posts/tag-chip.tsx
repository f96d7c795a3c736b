import type { CSSProperties } from "react";
import styles from "./tag-chip.module.css";

export interface TagLike {
  name: string;
  colour: string;
}

/** Hands a tag's colour to CSS, which derives the tints (tag-chip.module.css). */
export function tagColour(colour: string): CSSProperties {
  return { "--tag": colour } as CSSProperties;
}

/** A tag as a coloured chip, read-only. */
export function TagChip({ tag }: { tag: TagLike }) {
  return (
    <span className={styles.tagChip} style={tagColour(tag.colour)} data-testid="post-tag">
      <span className={styles.tagDot} aria-hidden="true" />
      {tag.name}
    </span>
  );
}
