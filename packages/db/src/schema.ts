import { relations, sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const userRole = pgEnum("user_role", ["member", "admin"]);
export const postStatus = pgEnum("post_status", ["draft", "published"]);
export const mediaStatus = pgEnum("media_status", ["uploaded", "processing", "ready", "failed"]);
export const reportScope = pgEnum("report_scope", ["author", "workspace", "bulk"]);
export const reportStatus = pgEnum("report_status", ["queued", "running", "done", "failed"]);
export const emailStatus = pgEnum("email_status", ["queued", "sent", "failed"]);

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    role: userRole("role").notNull().default("member"),
    // Null for an invited member who has not yet set one: no password can sign them in.
    passwordHash: text("password_hash"),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`)],
);

// The token itself is never stored: `id` is its SHA-256, so a leaked table cannot be replayed.
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * A member's invitation to set a password, used once within its 24 h. Only the token's
 * SHA-256 is kept, and it is null until the `send-invitation-email` job makes the token and
 * mails it: the plain token exists only in that email.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash"),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_idx").on(t.tokenHash),
    index("invitations_user_idx").on(t.userId),
  ],
);

// Keys internal services send as bearer tokens. Like sessions, only the key's SHA-256 is kept;
// `prefix` (its first characters) lets an admin tell keys apart without the key itself.
export const apiKeys = pgTable(
  "api_keys",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    role: userRole("role").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.keyHash)],
);

export const media = pgTable(
  "media",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    contentType: text("content_type").notNull(),
    byteSize: integer("byte_size").notNull(),
    width: integer("width"),
    height: integer("height"),
    storageKey: text("storage_key").notNull(),
    // { "160": "key", "640": "key", "1280": "key" }, filled in by the thumbnail job.
    thumbnails: jsonb("thumbnails").$type<Record<string, string>>().notNull().default({}),
    status: mediaStatus("status").notNull().default("uploaded"),
    ...timestamps,
  },
  (t) => [index("media_owner_idx").on(t.ownerId)],
);

export const posts = pgTable(
  "posts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: postStatus("status").notNull().default("draft"),
    coverMediaId: integer("cover_media_id").references(() => media.id, { onDelete: "set null" }),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    // An author's latest published posts, the lateral join of users.list and users.byId:
    // partial, so the walk reads exactly the rows it returns and stops at the limit.
    index("posts_author_published_idx")
      .on(t.authorId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.status} = 'published'`),
    index("posts_author_created_idx").on(
      t.authorId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index("posts_status_created_idx").on(
      t.status,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index("posts_created_idx").on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

export const tags = pgTable(
  "tags",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    colour: text("colour").notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("tags_slug_idx").on(t.slug),
    check("tags_colour_hex", sql`${t.colour} ~ '^#[0-9a-f]{6}$'`),
  ],
);

export const postTags = pgTable(
  "post_tags",
  {
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.tagId] }),
    index("post_tags_tag_post_idx").on(t.tagId, t.postId),
  ],
);

export const reports = pgTable(
  "reports",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    requestedById: integer("requested_by_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    scope: reportScope("scope").notNull(),
    // Null when scope is "workspace" (every author's totals) or "bulk" (a section per author).
    authorId: integer("author_id").references(() => users.id, { onDelete: "cascade" }),
    fromDate: date("from_date", { mode: "string" }).notNull(),
    toDate: date("to_date", { mode: "string" }).notNull(),
    status: reportStatus("status").notNull().default("queued"),
    progress: smallint("progress").notNull().default(0),
    result: jsonb("result"),
    pdfMediaId: integer("pdf_media_id").references(() => media.id, { onDelete: "set null" }),
    error: text("error"),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (t) => [
    index("reports_requested_by_idx").on(t.requestedById, t.createdAt.desc().nullsFirst()),
    check("reports_progress_range", sql`${t.progress} between 0 and 100`),
    check("reports_dates_ordered", sql`${t.fromDate} <= ${t.toDate}`),
  ],
);

export const emails = pgTable(
  "emails",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    kind: text("kind").notNull(),
    status: emailStatus("status").notNull().default("queued"),
    // What makes a send happen once: the job that sends names it (`welcome:<userId>`), and a
    // retried step or a redelivered event finds the row already there.
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("emails_created_idx").on(t.createdAt.desc().nullsFirst()),
    uniqueIndex("emails_idempotency_key_idx").on(t.idempotencyKey),
  ],
);

/**
 * Events written in the same transaction as the change they announce, then sent to Inngest by
 * the relay (`@brisk/jobs`). The id is the event's id at Inngest, so a resend is deduplicated.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    data: jsonb("data").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" })
      .notNull()
      .defaultNow(),
    lastError: text("last_error"),
  },
  // Only what is still to send: the relay's claim and the backlog gauges read this, and it
  // stays as small as the backlog however many rows have been sent.
  (t) => [index("outbox_unsent_idx").on(t.nextAttemptAt).where(sql`${t.sentAt} is null`)],
);

/**
 * What running jobs report as they go (`@brisk/jobs`), read by the dashboard's live progress
 * (`jobs.progress`): each insert is announced with `pg_notify`, and a subscriber that lost its
 * connection reads on from the last id it saw. Kept for a day (pruned as rows are written).
 */
export const jobProgressKind = pgEnum("job_progress_kind", [
  "started",
  "step",
  "completed",
  "failed",
]);

export const jobProgress = pgTable(
  "job_progress",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    runId: text("run_id").notNull(),
    functionId: text("function_id").notNull(),
    // Who may see it besides admins (the media's owner, the invitee); null: admins only.
    ownerId: integer("owner_id").references(() => users.id, { onDelete: "cascade" }),
    // What the run works on (`media:42`, `report:7`): how a page that knows its media or its
    // report, but not the run's id, picks its events.
    subject: text("subject"),
    kind: jobProgressKind("kind").notNull(),
    done: integer("done").notNull(),
    total: integer("total").notNull(),
    label: text("label"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("job_progress_owner_idx").on(t.ownerId, t.id),
    index("job_progress_run_idx").on(t.runId, t.id),
    index("job_progress_subject_idx").on(t.subject, t.id),
    index("job_progress_created_idx").on(t.createdAt),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  posts: many(posts),
  sessions: many(sessions),
  media: many(media),
  reports: many(reports, { relationName: "requestedBy" }),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  cover: one(media, { fields: [posts.coverMediaId], references: [media.id] }),
  postTags: many(postTags),
}));

export const tagsRelations = relations(tags, ({ many }) => ({
  postTags: many(postTags),
}));

export const postTagsRelations = relations(postTags, ({ one }) => ({
  post: one(posts, { fields: [postTags.postId], references: [posts.id] }),
  tag: one(tags, { fields: [postTags.tagId], references: [tags.id] }),
}));

export const mediaRelations = relations(media, ({ one }) => ({
  owner: one(users, { fields: [media.ownerId], references: [users.id] }),
}));

export const reportsRelations = relations(reports, ({ one }) => ({
  requestedBy: one(users, {
    fields: [reports.requestedById],
    references: [users.id],
    relationName: "requestedBy",
  }),
  author: one(users, { fields: [reports.authorId], references: [users.id] }),
  pdf: one(media, { fields: [reports.pdfMediaId], references: [media.id] }),
}));
