/** One post as the aggregation reads it (`reportPosts` in @brisk/db). */
export interface PostFacts {
  id: number;
  authorId: number;
  authorName: string;
  title: string;
  status: "draft" | "published";
  createdAt: string;
  words: number;
  tags: string[];
}

/** Our own numbers over a range, for one author or many. */
export interface OurNumbers {
  posts: number;
  published: number;
  words: number;
  averageWords: number;
  /** Posts started each week (weeks begin on Monday, UTC), every week of the range. */
  cadence: { week: string; posts: number }[];
  tags: { name: string; posts: number }[];
  /** The longest posts: the work the range holds most of. */
  topPosts: { id: number; title: string; words: number; status: string }[];
}

export interface Aggregated {
  totals: OurNumbers;
  /** One entry per author who wrote in the range, by id; empty unless asked for. */
  authors: { id: number; name: string; numbers: OurNumbers }[];
}

/**
 * Cadence, words, tags and top posts from a range's posts, for the whole and, with
 * `perAuthor`, for each author. Self-contained (no imports, no outer names): the worker pool
 * evaluates its source in a thread, since no worker file ships in apps/api's bundle.
 */
export function aggregatePosts(
  posts: PostFacts[],
  range: { from: string; to: string },
  perAuthor: boolean,
): Aggregated {
  const DAY = 86_400_000;
  const mondayOf = (ms: number) => {
    const day = new Date(ms).getUTCDay();
    return ms - ((day + 6) % 7) * DAY;
  };
  const first = mondayOf(Date.parse(`${range.from}T00:00:00Z`));
  const last = Date.parse(`${range.to}T00:00:00Z`);
  const weeks: string[] = [];
  for (let ms = first; ms <= last; ms += 7 * DAY)
    weeks.push(new Date(ms).toISOString().slice(0, 10));

  const numbersOf = (list: PostFacts[]) => {
    const perWeek = new Map(weeks.map((week) => [week, 0]));
    const tagCounts = new Map<string, number>();
    let words = 0;
    let published = 0;
    for (const post of list) {
      words += post.words;
      if (post.status === "published") published += 1;
      const created = Date.parse(post.createdAt);
      const week = new Date(mondayOf(created - (created % DAY))).toISOString().slice(0, 10);
      perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
      for (const tag of post.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
    }
    return {
      posts: list.length,
      published,
      words,
      averageWords: list.length ? Math.round(words / list.length) : 0,
      cadence: [...perWeek].map(([week, count]) => ({ week, posts: count })),
      tags: [...tagCounts]
        .map(([name, count]) => ({ name, posts: count }))
        .sort((a, b) => b.posts - a.posts || a.name.localeCompare(b.name))
        .slice(0, 10),
      topPosts: [...list]
        .sort((a, b) => b.words - a.words || a.id - b.id)
        .slice(0, 5)
        .map((post) => ({
          id: post.id,
          title: post.title,
          words: post.words,
          status: post.status,
        })),
    };
  };

  const authors: Aggregated["authors"] = [];
  if (perAuthor) {
    const byAuthor = new Map<number, PostFacts[]>();
    for (const post of posts) {
      const list = byAuthor.get(post.authorId) ?? [];
      list.push(post);
      byAuthor.set(post.authorId, list);
    }
    for (const [id, list] of [...byAuthor].sort((a, b) => a[0] - b[0])) {
      authors.push({ id, name: list[0]!.authorName, numbers: numbersOf(list) });
    }
  }
  return { totals: numbersOf(posts), authors };
}
