import type { CSSProperties } from "react";

export interface TagLike {
  name: string;
  colour: string;
}

/** Hands a tag's colour to CSS, which derives the tints (globals.css, "Tags"). */
export function tagColour(colour: string): CSSProperties {
  return { "--tag": colour } as CSSProperties;
}

/** A tag as a coloured chip, read-only. */
export function TagChip({ tag }: { tag: TagLike }) {
  return (
    <span className="tag-chip" style={tagColour(tag.colour)} data-testid="post-tag">
      <span className="tag-dot" aria-hidden="true" />
      {tag.name}
    </span>
  );
}
