import { and, count, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { posts, postTags, tags, users } from "../schema";

/** Days as YYYY-MM-DD, both included (UTC). */
export interface DayRange {
  from: string;
  to: string;
}

/** Whitespace-separated runs in a post's body: what a reader would count as words. */
const words = sql<number>`coalesce(sum(coalesce(array_length(regexp_split_to_array(btrim(${posts.body}), '\\s+'), 1), 0)), 0)::int`;

/**
 * An author's own numbers over a range, from our database: posts written (and how many are
 * published), their words, and the tags on them. Null when there is no such author.
 * Walks posts_author_created_idx, so it reads only the author's posts in the range.
 */
export async function authorNumbers(db: Database, authorId: number, range: DayRange) {
  const inRange = and(
    eq(posts.authorId, authorId),
    gte(posts.createdAt, new Date(`${range.from}T00:00:00.000Z`)),
    lt(posts.createdAt, new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000)),
  );
  const [author, totals, tagCounts] = await Promise.all([
    db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, authorId)),
    db
      .select({
        posts: count(),
        published: sql<number>`(count(*) filter (where ${posts.status} = 'published'))::int`,
        words,
      })
      .from(posts)
      .where(inRange),
    db
      .select({ name: tags.name, slug: tags.slug, posts: count() })
      .from(posts)
      .innerJoin(postTags, eq(postTags.postId, posts.id))
      .innerJoin(tags, eq(tags.id, postTags.tagId))
      .where(inRange)
      .groupBy(tags.id, tags.name, tags.slug)
      .orderBy(desc(count()), tags.name)
      .limit(20),
  ]);
  if (!author[0]) return null;
  const total = totals[0]!;
  return {
    author: author[0],
    posts: total.posts,
    published: total.published,
    words: total.words,
    tags: tagCounts,
  };
}
