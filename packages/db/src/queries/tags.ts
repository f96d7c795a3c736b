import { asc, eq, sql } from "drizzle-orm";
import type { Database, Executor } from "../client";
import { tags } from "../schema";

const tagColumns = { id: tags.id, name: tags.name, slug: tags.slug, colour: tags.colour };

export function listTags(db: Database) {
  return db.select(tagColumns).from(tags).orderBy(sql`lower(${tags.name})`, asc(tags.id));
}

export interface TagInput {
  name: string;
  slug: string;
  colour: string;
}

export async function insertTag(tx: Executor, input: TagInput) {
  const [row] = await tx.insert(tags).values(input).returning(tagColumns);
  return row!;
}

/** Returns the updated tag, or null when no such tag exists. */
export async function updateTag(tx: Executor, id: number, input: Partial<TagInput>) {
  const [row] = await tx
    .update(tags)
    .set({ ...input, updatedAt: new Date() })
    .where(eq(tags.id, id))
    .returning(tagColumns);
  return row ?? null;
}

/** Deletes the tag and (by cascade) its links to posts; false when no such tag exists. */
export async function deleteTag(tx: Executor, id: number) {
  const rows = await tx.delete(tags).where(eq(tags.id, id)).returning({ id: tags.id });
  return rows.length > 0;
}
