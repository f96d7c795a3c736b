import { z } from "zod";

/**
 * Free text that is stored: JSON carries the NUL character ("\u0000") but a Postgres `text`
 * column refuses it, so it is a field error here rather than a failed INSERT (a 500).
 */
export const storedText = () =>
  z.string().refine((value) => !value.includes("\u0000"), "Text cannot contain a NUL character");
