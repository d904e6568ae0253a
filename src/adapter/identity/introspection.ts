/**
 * Opaque access tokens checked by asking the authorization server (RFC 7662 token introspection): the adapter POSTs
 * `token=…&token_type_hint=access_token` to the introspection endpoint, authenticated as a client of its own
 * (HTTP Basic by default, RFC 6749 2.3.1; in the body when the server accepts only client_secret_post), and trusts
 * an answer that says `active: true`, names this issuer (when it names one), this resource (when it names an
 * audience), a subject, and is within `exp`/`nbf` (with the JWT path's clock tolerance).
 *
 * Answers are cached, keyed by a SHA-256 of the token (never the token itself): an active answer until the
 * token's `exp` and at most `ttlMs` (a revoked token keeps working at most that long), a refusal `inactiveTtlMs`;
 * at most `maxEntries` active ones and `maxRefused` refusals, each least recently used out first (apart: a flood
 * of made-up tokens cannot push out the answers real users' calls reuse). Concurrent checks of one token share
 * one request.
 *
 * When the endpoint cannot answer (unreachable, slow, 5xx, our client refused, not an RFC 7662 answer) nothing is
 * cached and the caller gets 503 with `Retry-After`: a 401 would make ChatGPT sign the user out for an outage.
 * @see https://www.rfc-editor.org/rfc/rfc7662  OAuth 2.0 Token Introspection
 */
import { createHash, randomBytes } from 'node:crypto';
import { BodyTooLargeError, readCappedText } from '../../read-capped.js';
import { HttpError } from '../http-error.js';
import { describeFetchError } from './jwks-cache.js';
import { InvalidTokenError, type TokenVerifier, type VerifiedToken } from './oauth.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface IntrospectionOptions {
  /** The introspection endpoint (https; http on loopback only, checked by the caller). */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** How the adapter authenticates to the endpoint (default client_secret_basic, RFC 8414's default). */
  authMethod?: ClientAuthMethod;
  /** The issuer an answer's `iss` must name, when it names one. */
  issuer: string;
  /** Accepted `aud` values (any one suffices), when the answer names an audience; a function is read each time. */
  audience: string | string[] | (() => string[]);
  /** Tolerance for `exp` and `nbf`, in seconds (default 30, as for JWTs). */
  clockToleranceS?: number;
  /** Longest an active answer is reused (default 60 s; never past the token's `exp`). 0: ask every time. */
  ttlMs?: number;
  /** How long a refusal (inactive, or active but not for us) is reused (default 5 s). */
  inactiveTtlMs?: number;
  /** Active answers remembered at most (default 10,000). */
  maxEntries?: number;
  /** Refusals remembered at most (default 1,000). */
  maxRefused?: number;
  /** Introspection requests in flight at most; past it a new token gets 503 at once (default 64). */
  maxInflight?: number;
  /** Per request (default 5 s). */
  timeoutMs?: number;
  /** Largest answer read (default 64 KiB). */
  maxBytes?: number;
  /** Retry-After of a 503, in seconds (default 5). */
  retryAfterS?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export const DEFAULT_INTROSPECTION_TTL_MS = 60_000;
export const MAX_INTROSPECTION_TTL_S = 3600;
export const DEFAULT_INACTIVE_TTL_MS = 5_000;
export const DEFAULT_INTROSPECTION_CACHE_ENTRIES = 10_000;
export const DEFAULT_REFUSED_CACHE_ENTRIES = 1_000;
export const DEFAULT_INTROSPECTION_MAX_BYTES = 64 * 1024;

/** Connection errors that mean "the server closed the socket before answering", worth one retry. */
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export type IntrospectionErrorKind =
  | 'unreachable' // connection refused, DNS, TLS
  | 'timeout'
  | 'client-refused' // 401/403: the adapter's client id or secret is wrong
  | 'http' // another non-200 status
  | 'invalid' // not JSON, not an object, no boolean `active`, too large
  | 'busy'; // maxInflight requests already out

/**
 * The endpoint could not answer whether a token is active (never a verdict about the token). The message names
 * the endpoint (for the operator, at start); `reason` does not (for a caller's 503: the URL may be internal).
 */
export class IntrospectionError extends Error {
  override name = 'IntrospectionError';
  constructor(
    readonly kind: IntrospectionErrorKind,
    endpoint: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the introspection endpoint ${endpoint} ${reason}`, options);
  }
}

export interface IntrospectionVerifier extends TokenVerifier {
  /**
   * Introspects a random token the server has never issued and expects a well-formed `{"active": false}`; throws
   * IntrospectionError otherwise (used at start: wrong client credentials or an unreachable endpoint fail fast).
   */
  probe(): Promise<void>;
  /** Introspection requests sent so far (for tests and logs). */
  readonly requests: number;
  /** Answers cached now. */
  readonly cached: number;
}

interface Entry {
  until: number;
  verified?: VerifiedToken;
  refused?: string;
}

export function createIntrospectionVerifier(options: IntrospectionOptions): IntrospectionVerifier {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const toleranceMs = (options.clockToleranceS ?? 30) * 1000;
  const ttlMs = options.ttlMs ?? DEFAULT_INTROSPECTION_TTL_MS;
  const inactiveTtlMs = options.inactiveTtlMs ?? DEFAULT_INACTIVE_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_INTROSPECTION_CACHE_ENTRIES;
  const maxRefused = options.maxRefused ?? DEFAULT_REFUSED_CACHE_ENTRIES;
  const maxInflight = options.maxInflight ?? 64;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? DEFAULT_INTROSPECTION_MAX_BYTES;
  const retryAfter = String(options.retryAfterS ?? 5);
  const basic = (options.authMethod ?? 'client_secret_basic') === 'client_secret_basic';
  // RFC 6749 2.3.1: id and secret are form-encoded before the base64 of "id:secret".
  const authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;
  const audiences = () => {
    const a = options.audience;
    return typeof a === 'function' ? a() : Array.isArray(a) ? a : [a];
  };
  // A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const accepted = new Map<string, Entry>();
  const refusals = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry>>();
  let requests = 0;

  async function introspect(token: string): Promise<Record<string, unknown>> {
    if (inflight.size >= maxInflight) throw new IntrospectionError('busy', options.endpoint, `has ${maxInflight} requests waiting already`);
    const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (basic) headers.authorization = authorization;
    else {
      body.set('client_id', options.clientId);
      body.set('client_secret', options.clientSecret);
    }
    let response: Response;
    for (let attempt = 1; ; attempt++) {
      requests++;
      try {
        response = await doFetch(options.endpoint, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
        break;
      } catch (error) {
        const why = describeFetchError(error);
        // A kept-alive connection the server closed as the request went out: once more, on a new connection
        // (introspection only reads, so asking twice is harmless).
        if (attempt === 1 && RESET.has(why)) continue;
        if (why === 'no answer in time') throw new IntrospectionError('timeout', options.endpoint, `did not answer within ${timeoutMs / 1000} s`, { cause: error });
        throw new IntrospectionError('unreachable', options.endpoint, `cannot be reached (${why})`, { cause: error });
      }
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        throw new IntrospectionError('client-refused', options.endpoint, `refused the adapter's client credentials (HTTP ${response.status})`);
      }
      throw new IntrospectionError('http', options.endpoint, `answered HTTP ${response.status}`);
    }
    let text: string;
    try {
      text = await readCappedText(response, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new IntrospectionError('invalid', options.endpoint, `answered more than ${maxBytes} bytes`);
      throw new IntrospectionError('unreachable', options.endpoint, `broke off its answer (${describeFetchError(error)})`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new IntrospectionError('invalid', options.endpoint, 'did not answer JSON');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json) || typeof (json as { active?: unknown }).active !== 'boolean') {
      throw new IntrospectionError('invalid', options.endpoint, 'did not answer an RFC 7662 response (no boolean "active")');
    }
    return json as Record<string, unknown>;
  }

  /** The verdict on an answer: the token's owner, or why it is refused. */
  function judge(answer: Record<string, unknown>): Entry {
    const t = now();
    const refuse = (why: string): Entry => ({ refused: why, until: t + inactiveTtlMs });
    if (answer.active !== true) return refuse('the token is not active (expired, revoked or unknown to the authorization server)');
    if (answer.iss !== undefined && answer.iss !== options.issuer) return refuse('the token was issued by another authorization server (iss)');
    if (answer.aud !== undefined) {
      const aud = Array.isArray(answer.aud) ? answer.aud : [answer.aud];
      const accepted = audiences();
      if (!aud.some((a) => typeof a === 'string' && accepted.includes(a))) return refuse('the token is meant for another resource (aud)');
    }
    const exp = typeof answer.exp === 'number' ? answer.exp * 1000 : undefined;
    if (exp !== undefined && exp + toleranceMs <= t) return refuse('the token has expired');
    if (typeof answer.nbf === 'number' && answer.nbf * 1000 - toleranceMs > t) return refuse('the token is not valid yet (nbf)');
    if (typeof answer.token_type === 'string' && /refresh/i.test(answer.token_type)) return refuse('a refresh token is not an access token');
    if (typeof answer.sub !== 'string' || answer.sub === '') {
      return refuse('the introspection answer has no subject (sub): the authorization server must name the token\'s user');
    }
    const scopes = typeof answer.scope === 'string' ? answer.scope.split(' ').filter(Boolean) : [];
    const clientId = typeof answer.client_id === 'string' ? answer.client_id : undefined;
    const verified: VerifiedToken = {
      subject: answer.sub,
      scopes,
      ...(exp !== undefined ? { expiresAt: exp } : {}),
      ...(clientId !== undefined ? { clientId } : {}),
    };
    return { verified, until: Math.min(t + ttlMs, exp ?? Infinity) };
  }

  function remember(key: string, entry: Entry): void {
    accepted.delete(key);
    refusals.delete(key);
    if (entry.until <= now()) return;
    const [cache, max] = entry.verified ? [accepted, maxEntries] : [refusals, maxRefused];
    if (max <= 0) return;
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }

  const unavailable = (error: IntrospectionError) =>
    new HttpError(503, 'upstream_unavailable', `the access token cannot be checked now: the authorization server's introspection endpoint ${error.reason}; retry in ${retryAfter} s`, {
      headers: { 'Retry-After': retryAfter },
      cause: error,
    });

  return {
    async verify(token: string): Promise<VerifiedToken> {
      const key = createHash('sha256').update(token, 'utf8').digest('base64url');
      const cache = accepted.has(key) ? accepted : refusals;
      let entry = cache.get(key);
      if (entry && entry.until > now()) {
        cache.delete(key); // most recently used: to the end
        cache.set(key, entry);
      } else {
        if (entry) cache.delete(key);
        let pending = inflight.get(key);
        if (!pending) {
          // introspect() checks the in-flight count synchronously (before its first await), so before this set
          pending = introspect(token)
            .then((answer) => {
              const judged = judge(answer);
              remember(key, judged);
              return judged;
            })
            .finally(() => inflight.delete(key));
          inflight.set(key, pending);
        }
        try {
          entry = await pending;
        } catch (error) {
          if (error instanceof IntrospectionError) throw unavailable(error);
          throw error;
        }
      }
      if (entry.verified) return entry.verified;
      throw new InvalidTokenError(entry.refused!);
    },
    async probe(): Promise<void> {
      const answer = await introspect(`mcp-actions-probe-${randomBytes(24).toString('base64url')}`);
      if (answer.active !== false) {
        throw new IntrospectionError('invalid', options.endpoint, 'called a token it never issued active');
      }
    },
    get requests() {
      return requests;
    },
    get cached() {
      return accepted.size + refusals.size;
    },
  };
}

/**
 * With introspection on, tokens of both kinds: one that looks like a JWT naming this issuer (three base64url parts,
 * a JSON payload whose `iss` is the issuer) is verified locally against the issuer's keys, without a request;
 * anything else (an opaque token) is introspected. A JWT that fails its local check is refused, not introspected.
 */
export function routeTokens(issuer: string, jwt: TokenVerifier, opaque: TokenVerifier): TokenVerifier {
  return {
    verify: (token) => (jwtIssuer(token) === issuer ? jwt.verify(token) : opaque.verify(token)),
  };
}

/** The unverified `iss` of a JWT-shaped token, or undefined. */
export function jwtIssuer(token: string): string | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload?.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/** application/x-www-form-urlencoded, as RFC 6749 2.3.1 wants for the Basic credentials. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
