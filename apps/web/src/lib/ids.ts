const MAX_ID = 2_147_483_647;

/** A row id from a URL segment (Postgres `integer`), or null for anything else. */
export function parseId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_ID ? id : null;
}
