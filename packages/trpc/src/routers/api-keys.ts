import { insertApiKey, listApiKeys, revokeApiKey } from "@brisk/db/queries/auth";
import type { TRPCRouterRecord } from "@trpc/server";
import { userIdOf } from "../auth/access";
import { RATE_RULES } from "../auth/rate-limit";
import { takeOrRefuse } from "../auth/refusals";
import { API_KEY_PREFIX, randomToken, tokenHash } from "../auth/tokens";
import { scopes } from "../cache-scopes";
import { adminProcedure, TRPCError } from "../init";
import { createApiKeyInput, revokeApiKeyInput } from "../schemas/api-keys";
import { writeWithin } from "../write";

/** Enough of a key to tell it apart on the API keys page; far too little to use. */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

/** Keys internal services send as bearer tokens; admins make and revoke them. */
export const apiKeysRouter = {
  list: adminProcedure.query(({ ctx }) => listApiKeys(ctx.db)),

  /** The key itself is in this answer and nowhere else: only its SHA-256 is kept. */
  create: adminProcedure.input(createApiKeyInput).mutation(async ({ ctx, input }) => {
    const maker = `${ctx.actor.kind}:${ctx.actor.id}`;
    await takeOrRefuse(ctx, RATE_RULES.apiKeyCreate, maker, "Too many API keys made");
    const token = `${API_KEY_PREFIX}${randomToken()}`;
    const key = await writeWithin(ctx, (tx) =>
      insertApiKey(tx, {
        name: input.name,
        role: input.role,
        keyHash: tokenHash(token),
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        createdById: userIdOf(ctx.actor) ?? null,
      }),
    );
    return { ...key, token };
  }),

  /** Refused by every instance within CACHE_MAX_STALE_MS: its cached copy is dropped. */
  revoke: adminProcedure.input(revokeApiKeyInput).mutation(async ({ ctx, input }) => {
    const revoked = await writeWithin(ctx, async (tx, afterCommit) => {
      const hash = await revokeApiKey(tx, input.id);
      if (hash) afterCommit(() => ctx.cache.invalidate([scopes.apiKey(hash)]));
      return hash !== null;
    });
    if (!revoked) {
      throw new TRPCError({ code: "NOT_FOUND", message: `No live API key with id ${input.id}` });
    }
    return { id: input.id };
  }),
} satisfies TRPCRouterRecord;
