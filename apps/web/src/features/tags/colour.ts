/** What a new tag starts with: the first colour of the seeded palette. */
export const DEFAULT_TAG_COLOUR = "#2563eb";

/**
 * The value for an `<input type="color">`, which only takes `#rrggbb` in lowercase: while the
 * hex field holds something else (half typed, or wrong), the picker keeps `fallback`.
 */
export function pickerValue(colour: string, fallback: string): string {
  const trimmed = colour.trim().toLowerCase();
  return /^#[0-9a-f]{6}$/.test(trimmed) ? trimmed : fallback;
}
