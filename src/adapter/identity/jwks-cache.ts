/**
 * The authorization server's signing keys (its JWKS), fetched once and kept: a token signed with a known key is
 * checked without any I/O. Why not jose's `createRemoteJWKSet` alone: its cooldown counts from the last
 * *successful* fetch, so with the issuer down every token with an unknown `kid` would try the network again, and
 * once its cache is older than `cacheMaxAge` a failed refresh fails every token, even those signed with keys it
 * holds. Here:
 * - an unknown `kid` refreshes the set at most once per `cooldownMs`, counted from the last *attempt*, success or
 *   not (a flood of made-up kids costs one fetch per cooldown);
 * - a set older than `maxAgeMs` is refreshed, but kept when the refresh fails (stale-if-error);
 * - one fetch at a time, with a timeout, no redirects, and at most `maxBytes` read.
 * Key selection (kid, alg, use) is jose's `createLocalJWKSet`.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { BodyTooLargeError, readCappedText } from '../../read-capped.js';

export interface JwksCacheOptions {
  /** The `jwks_uri` of the authorization server. */
  url: string;
  /** Fewest ms between two fetches caused by unknown kids (default 30 s). */
  cooldownMs?: number;
  /** A set older than this is refreshed before use, kept if the refresh fails (default 10 min). */
  maxAgeMs?: number;
  /** Fetch timeout (default 5 s). */
  timeoutMs?: number;
  /** Largest JWKS document read (default 512 KiB). */
  maxBytes?: number;
  /** For tests: the clock. */
  now?: () => number;
}

export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
export const DEFAULT_JWKS_MAX_AGE_MS = 600_000;

export interface JwksCache {
  /** The key lookup jose's jwtVerify calls. */
  readonly getKey: JWTVerifyGetKey;
  /** Fetches the set now; rejects when it cannot (used at start: an unreachable issuer fails fast). */
  load(): Promise<void>;
  /** Fetch attempts so far (for tests and logs). */
  readonly fetches: number;
}

export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const url = options.url;
  const cooldownMs = options.cooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_JWKS_MAX_AGE_MS;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 512 * 1024;
  const now = options.now ?? Date.now;
  let local: JWTVerifyGetKey | undefined;
  let loadedAt = -Infinity;
  let attemptedAt = -Infinity;
  let pending: Promise<void> | undefined;
  let fetches = 0;

  const refresh = (): Promise<void> => {
    if (!pending) {
      attemptedAt = now();
      fetches++;
      pending = fetchJwks(url, timeoutMs, maxBytes)
        .then((jwks) => {
          local = createLocalJWKSet(jwks);
          loadedAt = now();
        })
        .finally(() => {
          pending = undefined;
        });
    }
    return pending;
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (!local) {
      // Never loaded (the start-up fetch failed?): one attempt per cooldown, else the token waits for nothing.
      if (now() - attemptedAt < cooldownMs && !pending) throw new errors.JWKSNoMatchingKey('the authorization server\'s keys could not be fetched');
      await refresh();
    } else if (now() - loadedAt >= maxAgeMs && now() - attemptedAt >= cooldownMs) {
      await refresh().catch(() => undefined); // stale-if-error: the keys held stay in use
    }
    try {
      return await local!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - attemptedAt < cooldownMs) throw error;
      // An unknown kid: the server may have rotated its keys. Once per cooldown.
      await refresh().catch(() => undefined);
      return local!(header, token);
    }
  };

  return {
    getKey,
    load: refresh,
    get fetches() {
      return fetches;
    },
  };
}

async function fetchJwks(url: string, timeoutMs: number, maxBytes: number): Promise<JSONWebKeySet> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/jwk-set+json, application/json' } });
  } catch (error) {
    throw new Error(`cannot fetch the JWKS at ${url}: ${describeFetchError(error)}`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`the JWKS at ${url} answered HTTP ${response.status}`);
  }
  let text: string;
  try {
    text = await readCappedText(response, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new Error(`the document at ${url} is larger than ${maxBytes} bytes`);
    throw new Error(`cannot fetch the JWKS at ${url}: ${describeFetchError(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`the JWKS at ${url} is not JSON`);
  }
  const keys = (json as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.some((k) => k === null || typeof k !== 'object')) throw new Error(`the JWKS at ${url} has no "keys" array`);
  return json as JSONWebKeySet;
}

/** "ECONNREFUSED", "timed out after …", or the message: what `fetch` hides in `cause`. */
export function describeFetchError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
