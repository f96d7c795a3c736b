/** How long each class of data may live in Redis: reference a day, user data an hour, sessions 15 min. */
export const TTL_SECONDS = {
  reference: 24 * 60 * 60,
  user: 60 * 60,
  session: 15 * 60,
} as const;

export type TtlClass = keyof typeof TTL_SECONDS;

/**
 * The class's TTL give or take 10 %: entries written together (a warm-up, a deploy, a burst
 * of misses) would otherwise all expire in the same second and stampede the database again.
 */
export function jitteredTtlSeconds(ttl: TtlClass, random: () => number = Math.random): number {
  return Math.round(TTL_SECONDS[ttl] * (0.9 + 0.2 * random()));
}
