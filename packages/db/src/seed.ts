import { scryptSync } from "node:crypto";
import type postgres from "postgres";
import { formatScryptHash, SCRYPT_KEY_LENGTH, SCRYPT_PARAMS, scryptMaxmem } from "./password-hash";

/**
 * The deterministic dataset of the benchmark workload (10,000 users with exactly 10 posts
 * each, 50 tags), optionally preceded by a few readable demo accounts. Every value comes
 * from a seeded generator, so two seeds of an empty database are identical row for row.
 */
export interface SeedOptions {
  users?: number;
  postsPerUser?: number;
  demo?: boolean;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface SeedResult {
  seeded: boolean;
  users: number;
  posts: number;
  tags: number;
}

export const DEMO_PASSWORD = "brisk-demo";
export const BENCH_PASSWORD = "brisk-bench";
const BASE_TIME = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
const CHUNK = 5_000;
const SEED_LOCK_KEY = 0x62726973_65;

/**
 * scrypt with the current parameters and a salt derived from the password: deterministic (two
 * seeds give the same rows), and verified at sign-in like any other hash.
 */
export function seedPasswordHash(password: string): string {
  const salt = Buffer.from(`brisk-seed:${password}`).toString("base64url");
  const hash = scryptSync(password, salt, SCRYPT_KEY_LENGTH, {
    ...SCRYPT_PARAMS,
    maxmem: scryptMaxmem(SCRYPT_PARAMS),
  }).toString("base64url");
  return formatScryptHash(SCRYPT_PARAMS, salt, hash);
}

/** A small seeded generator: the same seed gives the same sequence on every machine. */
export function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = `Ada Amara Ben Chen Dara Eli Farah Gus Hana Ines Jonas Kai Lena Malik Noor Omar Priya
  Quinn Rosa Sami Tara Uma Viktor Wen Xavier Yara Zane Aiko Bruno Celia Diego Esme Felix Greta
  Hugo Iris Jun Kofi Luca Mira Nils Olga Pablo Rhea Sven Tomas Ulla Vera Wiktor Yusuf Zoe`.split(
  /\s+/,
);
const LAST = `Okafor Lindqvist Moreau Tanaka Novak Haddad Fischer Costa Ivanova Reyes Nakamura
  Kowalski Osei Bauer Rossi Sato Jensen Kaur Dubois Silva Park Nguyen Mendes Varga Ahmed Kimura
  Larsen Petrov Santos Weber Alvarez Berg Chandra Duarte Eriksen Fontaine Garcia Horvat Ito
  Jovanovic Keller Lopez Marsh Nilsen Ortiz Patel Quint Ramos Schmidt Torres`.split(/\s+/);
const VERBS =
  "Tuning Scaling Caching Profiling Shipping Testing Measuring Batching Tracing Indexing".split(
    " ",
  );
const ADJECTIVES = "fast lean typed durable cached parallel lazy strict steady cold warm".split(
  " ",
);
const NOUNS = "queries routers pools workers caches indexes queues schemas builds traces".split(
  " ",
);
const AUDIENCES = [
  "small teams",
  "busy APIs",
  "lean startups",
  "late nights",
  "real traffic",
  "big tables",
];
const WORDS = `the a pool query index cache latency request batch worker event loop trace span
  tenant author post draft publish tag render stream commit rollback measure budget budgeted
  careful quick steady bounded parallel retry timeout backoff jitter circuit breaker warm cold
  hot path read write invalidate replica primary statement lateral join aggregate`.split(/\s+/);
export const TAG_NAMES = `TypeScript Node.js Postgres Redis tRPC Next.js React Drizzle Inngest
  OpenTelemetry Prometheus Grafana Performance Caching Indexing Testing Benchmarks Profiling
  Security Auth Sessions Design Product Writing Analytics Reports Email Jobs Queues Workers
  Streaming HTTP GraphQL REST Edge CDN Images PDF Search Markdown Accessibility Mobile CSS
  Observability Reliability Incidents Scaling Migrations DevOps Releases`.split(/\s+/);
const COLOURS = [
  "#2563eb",
  "#16a34a",
  "#dc2626",
  "#9333ea",
  "#ea580c",
  "#0891b2",
  "#ca8a04",
  "#db2777",
  "#4b5563",
  "#0d9488",
];

const DEMO_AUTHORS = [
  { name: "Avery Admin", email: "admin@brisk.dev", role: "admin" as const },
  { name: "Morgan Member", email: "member@brisk.dev", role: "member" as const },
  { name: "Rin Takahashi", email: "rin@brisk.dev", role: "member" as const },
  { name: "Sol Marquez", email: "sol@brisk.dev", role: "member" as const },
];
const DEMO_TITLES = [
  "Why our p99 dropped after killing N+1 queries",
  "A field guide to Postgres connection pools",
  "Caching reference data without stale reads",
  "What a circuit breaker buys you at 3 a.m.",
  "Tracing a request from the page to the SQL",
  "Batching lookups per request, not per process",
  "Background jobs that survive a deploy",
  "Reading a flame graph in five minutes",
  "Draft: notes on event-loop lag",
  "Draft: the case for smaller payloads",
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function title(rand: () => number): string {
  return `${pick(rand, VERBS)} ${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)} for ${pick(rand, AUDIENCES)}`;
}

function body(rand: () => number, targetLength = 400): string {
  const sentences: string[] = [];
  let length = 0;
  while (length < targetLength) {
    const n = 6 + Math.floor(rand() * 8);
    const words = Array.from({ length: n }, () => pick(rand, WORDS));
    const sentence = `${words.join(" ")}.`;
    const capitalised = sentence[0]!.toUpperCase() + sentence.slice(1);
    sentences.push(capitalised);
    length += capitalised.length + 1;
  }
  return sentences.join(" ").slice(0, targetLength);
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

interface UserRow {
  name: string;
  email: string;
  role: "member" | "admin";
  password_hash: string;
  created_at: Date;
}

export async function seed(sql: postgres.Sql, options: SeedOptions = {}): Promise<SeedResult> {
  const userCount = options.users ?? 10_000;
  const postsPerUser = options.postsPerUser ?? 10;
  const progress = options.onProgress ?? (() => {});
  const rand = mulberry32(20_261_124);

  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
    const [existing] = await tx<{ n: number }[]>`select count(*)::int as n from users`;
    if ((existing?.n ?? 0) > 0) return { seeded: false, users: existing!.n, posts: 0, tags: 0 };

    const tagRows = TAG_NAMES.map((name, i) => ({
      name,
      slug: slugify(name),
      colour: COLOURS[i % COLOURS.length]!,
    }));
    await tx`insert into tags ${tx(tagRows, "name", "slug", "colour")}`;
    progress("tags", tagRows.length, tagRows.length);

    const users: UserRow[] = [];
    if (options.demo) {
      const hash = seedPasswordHash(DEMO_PASSWORD);
      DEMO_AUTHORS.forEach((a, i) => {
        users.push({
          ...a,
          password_hash: hash,
          created_at: new Date(BASE_TIME - (i + 1) * MINUTE),
        });
      });
    }
    const benchHash = seedPasswordHash(BENCH_PASSWORD);
    for (let i = 0; i < userCount; i++) {
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
      users.push({
        name,
        email: `user${String(i + 1).padStart(5, "0")}@bench.brisk.dev`,
        role: i % 1_000 === 0 ? "admin" : "member",
        password_hash: benchHash,
        created_at: new Date(BASE_TIME + i * MINUTE),
      });
    }

    const userIds: number[] = [];
    for (let start = 0; start < users.length; start += CHUNK) {
      const chunk = users.slice(start, start + CHUNK);
      // Timestamps travel as text[]: drizzle replaces postgres.js's timestamptz[] serializer.
      const rows = await tx<{ id: number }[]>`
        insert into users (name, email, role, password_hash, created_at, updated_at)
        select n, e, r::user_role, h, c::timestamptz, c::timestamptz
        from unnest(${chunk.map((u) => u.name)}::text[], ${chunk.map((u) => u.email)}::text[],
                    ${chunk.map((u) => u.role)}::text[], ${chunk.map((u) => u.password_hash)}::text[],
                    ${chunk.map((u) => u.created_at.toISOString())}::text[])
             with ordinality as x(n, e, r, h, c, i)
        order by i
        returning id`;
      userIds.push(...rows.map((r) => r.id));
      progress("users", Math.min(start + CHUNK, users.length), users.length);
    }

    const totalPosts = userIds.length * postsPerUser;
    const authorIds: number[] = [];
    const titles: string[] = [];
    const bodies: string[] = [];
    const statuses: string[] = [];
    const createdAts: string[] = [];
    let inserted = 0;
    const flush = async () => {
      if (authorIds.length === 0) return;
      await tx`
        insert into posts (author_id, title, body, status, published_at, created_at, updated_at)
        select a, t, b, s::post_status, case when s = 'published' then c end, c, c
        from unnest(${authorIds}::int[], ${titles}::text[], ${bodies}::text[],
                    ${statuses}::text[], ${createdAts}::text[]) as x(a, t, b, s, tc)
        cross join lateral (select tc::timestamptz as c) as ts`;
      inserted += authorIds.length;
      progress("posts", inserted, totalPosts);
      for (const list of [authorIds, titles, bodies, statuses, createdAts]) list.length = 0;
    };

    for (const [u, authorId] of userIds.entries()) {
      const demo = options.demo && u < DEMO_AUTHORS.length;
      for (let j = 0; j < postsPerUser; j++) {
        const demoTitle = DEMO_TITLES[j % DEMO_TITLES.length]!;
        authorIds.push(authorId);
        titles.push(demo ? demoTitle : title(rand));
        bodies.push(body(rand));
        statuses.push(demo && demoTitle.startsWith("Draft") ? "draft" : "published");
        createdAts.push(new Date(BASE_TIME + (u * postsPerUser + j) * 7 * MINUTE).toISOString());
      }
      if (authorIds.length >= CHUNK) await flush();
    }
    await flush();

    // Two tags per post, spread evenly; a post whose two picks coincide keeps one.
    await tx`
      with t as (select id, (row_number() over (order by id) - 1)::int as n from tags),
           k as (select count(*)::int as c from tags)
      insert into post_tags (post_id, tag_id)
      select p.id, t.id
      from posts p
      cross join k
      cross join lateral unnest(array[p.id % k.c, (p.id * 7 + 3) % k.c]) as pick(n)
      join t on t.n = pick.n
      on conflict do nothing`;
    progress("tags on posts", 1, 1);
    // Fresh statistics, or the planner guesses and picks bitmap scans over the hot indexes.
    await tx`analyze users, posts, tags, post_tags`;

    return { seeded: true, users: userIds.length, posts: inserted, tags: tagRows.length };
  });
}
