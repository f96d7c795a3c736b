import { z } from "zod";
import { tagIdSchema } from "./ids";
import { storedText } from "./text";

const name = storedText().trim().min(1, "A name is required").max(40);
const slug = z
  .string()
  .trim()
  .min(1, "A slug is required")
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "A slug is lowercase letters and digits, joined by dashes");
const colour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "A colour is a hex value like #3b82f6")
  .transform((value) => value.toLowerCase());

export const createTagInput = z.object({ name, slug, colour });

export const updateTagInput = z.object({
  id: tagIdSchema,
  name: name.optional(),
  slug: slug.optional(),
  colour: colour.optional(),
});

export const deleteTagInput = z.object({ id: tagIdSchema });

export const listTagsOutput = z.array(
  z.object({ id: z.number().int(), name: z.string(), slug: z.string(), colour: z.string() }),
);
