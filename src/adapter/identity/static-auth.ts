/**
 * Inbound auth of the adapter with one static secret (matching the spec's security scheme): an API key in a
 * custom header, a bearer token, or HTTP basic. Secrets come from the environment (never the command line);
 * comparison is constant time over equal-length digests. The inbound credential is checked here and never
 * forwarded upstream. Every caller holding the secret is one identity (`cred:<digest>`), however the header is
 * spelled. The secret may list several credentials, one per line (a header can never hold a line break): each is
 * its own identity, so `serve --per-user` gives each its own upstream, and a key can be rotated without downtime.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../http-error.js';
import { ANONYMOUS, digestKey, type Authenticator, type Identity } from './identity.js';

export type AdapterAuth =
  | { type: 'none' }
  | { type: 'api-key'; header: string; secret: string }
  | { type: 'bearer'; secret: string }
  /** `secret` is "user:password". */
  | { type: 'basic'; secret: string };

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/** Query parameters that look like credentials: refused outright (they end up in logs and histories). */
const QUERY_CREDENTIAL_NAMES = ['api_key', 'api-key', 'apikey', 'key', 'token', 'access_token', 'auth', 'authorization', 'password', 'secret', 'bearer'];

export interface AuthChecker {
  /** Throws a 401 HttpError unless the request carries a right credential; returns the one it carries. */
  check(headers: IncomingHttpHeaders, rawQuery: string | undefined): string;
  /** The WWW-Authenticate challenge. */
  challenge: string;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality of two strings (compares SHA-256 digests, so lengths never leak). */
export function safeEqual(a: string, b: Buffer): boolean {
  return timingSafeEqual(digest(a), b);
}

export function createAuthChecker(auth: AdapterAuth): AuthChecker | undefined {
  if (auth.type === 'none') return undefined;
  const secrets = splitSecrets(auth.secret);
  if (secrets.length === 0) throw new TypeError('auth secret must not be empty');
  // One secret: a constant-time comparison. Several: a lookup by digest (a SHA-256 says nothing of the secret).
  const expected = digest(secrets[0]!);
  const byDigest = new Map(secrets.map((secret) => [digest(secret).toString('base64'), secret]));
  const realm = 'realm="mcp-actions"';
  const header = auth.type === 'api-key' ? auth.header.toLowerCase() : 'authorization';
  const challenge =
    auth.type === 'api-key' ? `ApiKey ${realm}, header="${auth.header}"` : auth.type === 'bearer' ? `Bearer ${realm}` : `Basic ${realm}, charset="UTF-8"`;
  const how =
    auth.type === 'api-key'
      ? `send the API key in the ${auth.header} header`
      : auth.type === 'bearer'
        ? 'send "Authorization: Bearer <token>"'
        : 'send "Authorization: Basic <base64 of user:password>"';
  const queryNames = new Set([...QUERY_CREDENTIAL_NAMES, header]);
  const fail = (message: string) => new HttpError(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': challenge } });

  return {
    challenge,
    check(headers, rawQuery) {
      if (rawQuery && hasQueryCredential(rawQuery, queryNames)) {
        throw fail(`credentials in the query string are refused (URLs end up in logs); ${how}`);
      }
      const raw = headers[header];
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined || value === '') throw fail(`missing credentials: ${how}`);
      let presented: string | undefined = value;
      if (auth.type === 'bearer') presented = schemeValue(value, 'bearer');
      else if (auth.type === 'basic') {
        const b64 = schemeValue(value, 'basic');
        presented = b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
      }
      if (presented === undefined) throw fail(`malformed Authorization header: ${how}`);
      const known = secrets.length === 1 ? (safeEqual(presented, expected) ? secrets[0] : undefined) : byDigest.get(digest(presented).toString('base64'));
      if (known === undefined) throw fail(`wrong credentials: ${how}`);
      return known;
    },
  };
}

/** The value after "Scheme " in an Authorization header (scheme case-insensitive), or undefined. */
function schemeValue(header: string, scheme: string): string | undefined {
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== scheme) return undefined;
  const v = header.slice(space + 1).trim();
  return v === '' ? undefined : v;
}

/** The Authenticator for `--auth none|api-key|bearer|basic`. */
export function createAuthenticator(auth: AdapterAuth): Authenticator {
  const checker = createAuthChecker(auth);
  if (!checker) return { type: 'none', authenticate: () => ANONYMOUS };
  const identities = new Map<string, Identity>();
  for (const secret of splitSecrets((auth as { secret: string }).secret)) {
    identities.set(secret, Object.freeze({ key: digestKey('cred', secret), kind: 'credential', token: secret }));
  }
  return {
    type: auth.type,
    authenticate(req) {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      return identities.get(checker.check(req.headers, q < 0 ? undefined : url.slice(q + 1)))!;
    },
  };
}

/** The credentials of a secret: one per line (LF or CRLF), empty lines ignored. */
export function splitSecrets(secret: string): string[] {
  return secret.split(/\r?\n/).filter((line) => line !== '');
}

/** Whether a raw query string has a parameter named like a credential (names lower-case; the name is URL-decoded). */
export function hasQueryCredential(rawQuery: string, names: ReadonlySet<string>): boolean {
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    let name = eq < 0 ? part : part.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // leave it encoded
    }
    if (names.has(name.toLowerCase())) return true;
  }
  return false;
}
