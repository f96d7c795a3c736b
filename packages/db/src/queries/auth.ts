import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database, Executor } from "../client";
import { apiKeys, sessions, users } from "../schema";

const identityColumns = { id: users.id, name: users.name, email: users.email, role: users.role };

/** A user by email, case-insensitively (emails are unique that way), with their hash. */
export async function findUserForSignIn(db: Database, email: string) {
  const [row] = await db
    .select({ ...identityColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row ?? null;
}

/** Who a signed-in user is: what a session or the dashboard's user menu needs. */
export async function getUserIdentity(db: Database, id: number) {
  const [row] = await db.select(identityColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function insertUser(
  tx: Executor,
  user: { name: string; email: string; passwordHash: string | null },
) {
  const [row] = await tx.insert(users).values(user).returning(identityColumns);
  return row!;
}

export async function updatePasswordHash(tx: Executor, userId: number, passwordHash: string) {
  await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
}

/** Changes a user's role; null when no such user exists. */
export async function updateUserRole(tx: Executor, id: number, role: "member" | "admin") {
  const [row] = await tx
    .update(users)
    .set({ role, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning(identityColumns);
  return row ?? null;
}

export async function insertSession(
  tx: Executor,
  session: { id: string; userId: number; expiresAt: Date },
) {
  await tx.insert(sessions).values(session);
}

export async function getSession(db: Database, id: string) {
  const [row] = await db
    .select({ userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(eq(sessions.id, id));
  return row ?? null;
}

export async function extendSession(db: Database, id: string, expiresAt: Date) {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
}

/** Ends one session; true when it existed. */
export async function deleteSession(tx: Executor, id: string) {
  const rows = await tx.delete(sessions).where(eq(sessions.id, id)).returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of a user but `keep` (the one asking); the ids it ended. */
export async function deleteSessionsOfUser(tx: Executor, userId: number, keep?: string) {
  const rows = await tx
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keep ? ne(sessions.id, keep) : undefined))
    .returning({ id: sessions.id });
  return rows.map((row) => row.id);
}

const apiKeyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export async function insertApiKey(
  tx: Executor,
  key: {
    name: string;
    role: "member" | "admin";
    keyHash: string;
    prefix: string;
    createdById: number | null;
  },
) {
  const [row] = await tx.insert(apiKeys).values(key).returning(apiKeyColumns);
  return row!;
}

/** Every key, newest first, revoked ones included (with when). */
export function listApiKeys(db: Database) {
  return db.select(apiKeyColumns).from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** A key that works: not revoked. */
export async function getApiKeyByHash(db: Database, keyHash: string) {
  const [row] = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

export async function touchApiKey(db: Database, id: number, at: Date) {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

/** Revokes a key; its hash (for dropping cached copies), or null when there was none to revoke. */
export async function revokeApiKey(tx: Executor, id: number) {
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  return row?.keyHash ?? null;
}

export async function getUserEmail(db: Database, id: number) {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, id));
  return row?.email ?? null;
}
