/**
 * Authorization server discovery: the issuer's metadata document, shared by `generate --auth oauth` (authorization
 * and token URLs for the spec) and `serve --auth oauth` (jwks_uri, introspection_endpoint).
 *
 * RFC 8414 first (`/.well-known/oauth-authorization-server` inserted before the issuer's path), then OpenID Connect
 * Discovery (`issuer + /.well-known/openid-configuration`). The document must name the configured issuer exactly
 * (RFC 8414 §3.3), or a man in the middle of the configuration could substitute another server's keys.
 * Bounded: one deadline for the whole discovery, a size cap on each answer, redirects followed only within the
 * same origin.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import { isLoopbackHost } from '../adapter/hosts.js';
import { ConfigError, McpActionsError } from '../errors.js';
import { BodyTooLargeError, readCappedText } from '../read-capped.js';

export type OAuthDiscoveryErrorKind =
  | 'unreachable' // connection refused, host not found, TLS failure
  | 'timeout' // no answer within the discovery deadline
  | 'aborted' // cancelled by the caller's signal
  | 'not-found' // neither metadata URL answered a JSON document
  | 'redirect' // redirected to another origin, or too many times
  | 'too-large' // the answer is larger than a metadata document can be
  | 'invalid' // a JSON answer that is not usable metadata
  | 'issuer-mismatch'; // the document names another issuer (RFC 8414 §3.3)

/** The OAuth authorization server's metadata could not be discovered (exit 2). */
export class OAuthDiscoveryError extends McpActionsError {
  readonly kind: OAuthDiscoveryErrorKind;
  constructor(kind: OAuthDiscoveryErrorKind, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  introspection_endpoint?: string;
  scopes_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  introspection_endpoint_auth_methods_supported?: string[];
  [k: string]: unknown;
}

export interface DiscoveryOptions {
  /** For the whole discovery (both documents, redirects included). Default 5 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Largest metadata document accepted. Default 256 kB. */
  maxBytes?: number;
}

export const DEFAULT_DISCOVERY_TIMEOUT_MS = 5_000;
export const DEFAULT_METADATA_MAX_BYTES = 256 * 1024;
const MAX_REDIRECTS = 3;
const URL_FIELDS = ['jwks_uri', 'authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'registration_endpoint', 'userinfo_endpoint'] as const;
const LIST_FIELDS = ['scopes_supported', 'token_endpoint_auth_methods_supported', 'introspection_endpoint_auth_methods_supported', 'response_types_supported', 'grant_types_supported', 'code_challenge_methods_supported'] as const;

const ISSUER_HINT = 'the issuer is the URL the authorization server puts in its tokens\' "iss", e.g. --oauth-issuer https://auth.example.com';

/**
 * An issuer identifier that can be used: an absolute https URL without query or fragment (RFC 8414 §2); plain http
 * only for a loopback host (local testing). ConfigError (exit 2) otherwise.
 */
export function checkIssuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`--oauth-issuer "${issuer}" is not a URL`, { hint: ISSUER_HINT });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`--oauth-issuer "${issuer}" is not https`, {
      hint: 'an authorization server must be reached over https (plain http is allowed for localhost and 127.0.0.1 only, for testing)',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`--oauth-issuer "${issuer}" is not an https URL`, { hint: ISSUER_HINT });
  }
  if (url.username || url.password) {
    throw new ConfigError(`--oauth-issuer "${issuer}" carries credentials`, { hint: 'remove the user:password@ part: discovery needs none' });
  }
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) {
    throw new ConfigError(`--oauth-issuer "${issuer}" has a query or fragment`, { hint: 'an issuer identifier has neither (RFC 8414 §2); pass the bare issuer URL' });
  }
  return url;
}

/** The two metadata URLs to try, in order: RFC 8414, then OpenID Connect Discovery. */
export function metadataUrls(issuer: string): [rfc8414: string, oidc: string] {
  const url = checkIssuerUrl(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/**
 * Fetches and checks the issuer's metadata. Throws OAuthDiscoveryError (exit 2, one line naming the URL and the
 * fix) when the server cannot be reached, answers something else than a metadata document on both URLs, or names
 * another issuer; ConfigError for an unusable issuer URL.
 */
export async function discoverAuthorizationServer(issuer: string, opts: DiscoveryOptions = {}): Promise<AuthorizationServerMetadata> {
  const urls = metadataUrls(issuer);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const context: FetchContext = { fetch: opts.fetch ?? fetch, signal, deadline, timeoutMs, maxBytes: opts.maxBytes ?? DEFAULT_METADATA_MAX_BYTES };
  const misses: string[] = [];
  for (const url of urls) {
    const answer = await fetchDocument(url, context);
    if (answer.kind === 'miss') {
      misses.push(`${url} (${answer.reason})`);
      continue;
    }
    return checkMetadata(answer.body, issuer, url);
  }
  throw new OAuthDiscoveryError('not-found', `no authorization server metadata at ${misses.join(' nor at ')}`, {
    hint: `check --oauth-issuer "${issuer}": ${ISSUER_HINT}`,
  });
}

interface FetchContext {
  fetch: typeof fetch;
  signal: AbortSignal;
  deadline: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
}

type Answer = { kind: 'json'; body: unknown } | { kind: 'miss'; reason: string };

/** GET one metadata URL: JSON, or a miss (HTTP error status, not JSON) worth trying the other URL for. */
async function fetchDocument(first: string, ctx: FetchContext): Promise<Answer> {
  let url = first;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await ctx.fetch(url, { method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual', signal: ctx.signal });
    } catch (error) {
      throw unreachable(url, error, ctx);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel().catch(() => undefined);
      const next = new URL(response.headers.get('location')!, url);
      if (next.origin !== new URL(url).origin) {
        throw new OAuthDiscoveryError('redirect', `${url} redirects to another host (${next.origin}), which discovery does not follow`, {
          hint: 'pass the issuer URL the authorization server itself uses as --oauth-issuer',
        });
      }
      if (hop >= MAX_REDIRECTS) throw new OAuthDiscoveryError('redirect', `${first} redirects more than ${MAX_REDIRECTS} times`, { hint: 'pass the issuer URL the authorization server itself uses as --oauth-issuer' });
      url = next.href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'miss', reason: `HTTP ${response.status}` };
    }
    const text = await readCapped(response, url, ctx);
    try {
      return { kind: 'json', body: JSON.parse(text) };
    } catch {
      const type = response.headers.get('content-type')?.split(';')[0] || 'no content type';
      return { kind: 'miss', reason: `not JSON: ${type}` };
    }
  }
}

async function readCapped(response: Response, url: string, ctx: FetchContext): Promise<string> {
  try {
    return await readCappedText(response, ctx.maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(url, ctx);
    throw unreachable(url, error, ctx);
  }
}

function tooLarge(url: string, ctx: FetchContext): OAuthDiscoveryError {
  return new OAuthDiscoveryError('too-large', `${url} answered more than ${Math.round(ctx.maxBytes / 1024)} kB, too large for a metadata document`, {
    hint: 'check that --oauth-issuer is the issuer URL of your authorization server',
  });
}

function unreachable(url: string, error: unknown, ctx: FetchContext): OAuthDiscoveryError {
  if (ctx.deadline.aborted) {
    return new OAuthDiscoveryError('timeout', `no answer from ${url} within ${ctx.timeoutMs / 1000} s`, {
      hint: 'check that the authorization server is up and reachable from here', cause: error,
    });
  }
  if (ctx.signal.aborted) return new OAuthDiscoveryError('aborted', `discovery of ${url} was cancelled`, { cause: error });
  return new OAuthDiscoveryError('unreachable', `cannot reach ${url} (${describeCause(error)})`, {
    hint: 'check --oauth-issuer and that the authorization server is up and reachable from here', cause: error,
  });
}

/** fetch's TypeError says "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause. */
function describeCause(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error && e.cause !== undefined; depth++) e = e.cause;
  const code = (e as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** The document is an object naming the configured issuer, its endpoints are usable URLs, its lists are lists. */
function checkMetadata(body: unknown, issuer: string, url: string): AuthorizationServerMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthDiscoveryError('invalid', `${url} did not answer a JSON object`, { hint: 'check that --oauth-issuer is the issuer URL of your authorization server' });
  }
  const doc = body as Record<string, unknown>;
  if (doc.issuer !== issuer) {
    const named = typeof doc.issuer === 'string' ? `"${doc.issuer}"` : 'no issuer';
    throw new OAuthDiscoveryError('issuer-mismatch', `the metadata at ${url} names ${named}, not the configured issuer "${issuer}" (RFC 8414 §3.3)`, {
      hint: typeof doc.issuer === 'string' && /^https?:\/\//.test(doc.issuer) ? `if that server is yours, pass --oauth-issuer ${doc.issuer} exactly` : 'check --oauth-issuer',
    });
  }
  for (const field of URL_FIELDS) {
    const value = doc[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !isUsableEndpoint(value)) {
      throw new OAuthDiscoveryError('invalid', `the metadata at ${url} has an unusable ${field} (${JSON.stringify(value).slice(0, 100)})`, {
        hint: 'endpoints must be https URLs (http only on localhost); fix the authorization server\'s configuration',
      });
    }
  }
  for (const field of LIST_FIELDS) {
    const value = doc[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      throw new OAuthDiscoveryError('invalid', `the metadata at ${url} has ${field} that is not a list of strings`, {
        hint: 'fix the authorization server\'s configuration',
      });
    }
  }
  return doc as AuthorizationServerMetadata;
}

function isUsableEndpoint(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
  } catch {
    return false;
  }
}
