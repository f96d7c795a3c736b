import { asc, sql } from "drizzle-orm";
import type { Database } from "../client";
import { tags } from "../schema";

export function listTags(db: Database) {
  return db
    .select({ id: tags.id, name: tags.name, slug: tags.slug, colour: tags.colour })
    .from(tags)
    .orderBy(sql`lower(${tags.name})`, asc(tags.id));
}
