/**
 * The format of `users.password_hash`: `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 * Each hash records its own parameters, so they can be raised without breaking old hashes:
 * a hash made with other parameters than these is redone at its owner's next sign-in.
 */
export interface ScryptParams {
  /** CPU and memory cost: N × r × 128 bytes of memory a hash. */
  N: number;
  r: number;
  /** Passes over that memory, one after another. */
  p: number;
}

/**
 * OWASP's scrypt minimum in its 16 MiB form (N=2^14, r=8, p=5, as costly as N=2^17, p=1 with
 * an eighth of the memory): about 185 ms of one core on this machine. Less memory a hash
 * leaves more of the shared cache to the event loop while a sign-in storm hashes.
 */
export const SCRYPT_PARAMS: ScryptParams = { N: 16_384, r: 8, p: 5 };
export const SCRYPT_KEY_LENGTH = 32;
// Room for N × r × 128 bytes and then some: node:crypto refuses above `maxmem`.
export const scryptMaxmem = (params: ScryptParams) => 2 * 128 * params.N * params.r + 1024 * 1024;

export function formatScryptHash(params: ScryptParams, salt: string, hash: string): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt}$${hash}`;
}

export function parseScryptHash(stored: string) {
  const [scheme, N, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return null;
  const params = { N: Number(N), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  return { params, salt, hash };
}
