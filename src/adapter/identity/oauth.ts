/**
 * `serve --auth oauth`: the adapter as an OAuth 2.1 resource server. Each request carries
 * `Authorization: Bearer <access token>`; a pluggable TokenVerifier says whose it is (JWTs against the issuer's
 * JWKS: jwt-verifier.ts; opaque tokens through RFC 7662 introspection: introspection.ts). The identity is the
 * token's subject at its issuer (`oauth:<digest of issuer + sub>`), so `--per-user` gives each user their own
 * upstream. Failures answer as RFC 6750 says, with RFC 9728's `resource_metadata` so that a client finds the
 * authorization server:
 * - no token: 401, `WWW-Authenticate: Bearer resource_metadata="…"`
 * - a token in the query string, or a malformed header: 401, `error="invalid_request"`
 * - a token that fails verification: 401, `error="invalid_token", error_description="…"`
 * - a valid token without the tool's scope: 403, `error="insufficient_scope", scope="…"`
 * - a token that cannot be checked now (the introspection endpoint is away): the verifier's 503 with Retry-After,
 *   never a 401 (a client would drop the user's sign-in for an outage)
 * The token is never forwarded upstream (only a `{token}` template the operator wrote can pass it on).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3  The WWW-Authenticate response header
 * @see https://www.rfc-editor.org/rfc/rfc9728  OAuth 2.0 Protected Resource Metadata
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-error.js';
import { digestKey, type Authenticator, type Identity } from './identity.js';
import { hasQueryCredential } from './static-auth.js';

export interface VerifiedToken {
  subject: string;
  scopes: string[];
  /** ms since the epoch */
  expiresAt?: number;
  clientId?: string;
}

/** Why a token was refused: a short text safe for `error_description` (no claim values, no token bytes). */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/**
 * Says whose a token is. Throws when it is not valid (any error: its message becomes the `error_description` of a
 * 401), or an HttpError when it cannot tell now (503: the authorization server is away), answered as it is.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export interface OAuthAuthenticatorOptions {
  verifier: TokenVerifier;
  /** The issuer tokens come from (part of the identity key: the same `sub` at two issuers is two users). */
  issuer: string;
  /** The adapter's public URL, the RFC 9728 `resource`; a function when it is known only once listening. */
  resource: string | (() => string);
  /** What the metadata lists as `scopes_supported` (the read and write scopes are added). */
  scopesSupported?: string[];
  /** Scope needed to call a read-only tool (`annotations.readOnlyHint`); none = any valid token. */
  readScope?: string;
  /** Scope needed to call any other tool; none = any valid token. */
  writeScope?: string;
  /** The RFC 9728 `authorization_servers` (issuer identifiers). */
  authorizationServers: string[];
  /**
   * Request paths that are resources of their own, with metadata at `/.well-known/oauth-protected-resource{path}`
   * (RFC 9728 3.1: the well-known string goes between host and path) and a challenge pointing there. Default
   * `['/mcp']` (the MCP endpoint, as MCP clients look it up); other paths point at the root document.
   */
  resourcePaths?: string[];
}

export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** Query parameters that carry a token (RFC 6750 2.3) or look like one: refused, URLs end up in logs. */
const QUERY_TOKEN_NAMES = new Set(['access_token', 'token', 'bearer', 'authorization', 'id_token', 'api_key', 'apikey', 'key']);

export interface OAuthAuthenticator extends Authenticator {
  /** The RFC 9728 document for the resource at `path` ('' = the adapter's root), or undefined if none there. */
  resourceMetadata(path?: string): Record<string, unknown> | undefined;
}

export function createOAuthAuthenticator(opts: OAuthAuthenticatorOptions): OAuthAuthenticator {
  const resource = typeof opts.resource === 'function' ? opts.resource : () => opts.resource as string;
  const base = () => resource().replace(/\/+$/, '');
  const resourcePaths = new Set(opts.resourcePaths ?? ['/mcp']);
  const scopes = [...new Set([...(opts.scopesSupported ?? []), ...(opts.readScope ? [opts.readScope] : []), ...(opts.writeScope ? [opts.writeScope] : [])])];
  const metadataUrl = (path: string) => `${base()}${RESOURCE_METADATA_PATH}${resourcePaths.has(path) ? path : ''}`;
  const challenge = (path: string, params: Record<string, string> = {}) => {
    const parts = Object.entries(params).map(([k, v]) => `${k}="${quoted(v)}"`);
    parts.push(`resource_metadata="${metadataUrl(path)}"`);
    return `Bearer ${parts.join(', ')}`;
  };
  const fail = (path: string, message: string, params?: Record<string, string>) =>
    new HttpError(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': challenge(path, params) } });

  return {
    type: 'oauth',
    async authenticate(req: IncomingMessage): Promise<Identity> {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (q >= 0 && hasQueryCredential(url.slice(q + 1), QUERY_TOKEN_NAMES)) {
        throw fail(path, 'access tokens in the query string are refused (URLs end up in logs); send "Authorization: Bearer <token>"', {
          error: 'invalid_request',
          error_description: 'token in the query string',
        });
      }
      const header = req.headers.authorization;
      if (header === undefined || header === '') throw fail(path, 'missing access token: send "Authorization: Bearer <token>" (the resource metadata names the authorization server)');
      const space = header.indexOf(' ');
      const token = space > 0 && header.slice(0, space).toLowerCase() === 'bearer' ? header.slice(space + 1).trim() : '';
      if (token === '' || /\s/.test(token)) {
        throw fail(path, 'malformed Authorization header: send "Authorization: Bearer <token>"', { error: 'invalid_request', error_description: 'expected a Bearer token' });
      }
      let verified: VerifiedToken;
      try {
        verified = await opts.verifier.verify(token);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        const why = error instanceof Error && error.message ? error.message : 'the token could not be verified';
        throw fail(path, `invalid access token: ${why}`, { error: 'invalid_token', error_description: why });
      }
      return Object.freeze({
        key: digestKey('oauth', `${opts.issuer}\n${verified.subject}`),
        kind: 'oauth' as const,
        scopes: Object.freeze([...verified.scopes]),
        subject: verified.subject,
        token,
        ...(verified.expiresAt !== undefined ? { expiresAt: verified.expiresAt } : {}),
      });
    },
    authorize(identity, tool) {
      const needed = tool.annotations?.readOnlyHint === true ? opts.readScope : opts.writeScope;
      if (!needed || identity?.scopes?.includes(needed)) return;
      const kind = tool.annotations?.readOnlyHint === true ? 'read-only' : 'non-read-only';
      throw new HttpError(403, 'insufficient_scope', `tool "${tool.name}" is ${kind} and needs the scope "${needed}", which this token was not granted; sign in again asking for it`, {
        headers: {
          'WWW-Authenticate': challenge('', { error: 'insufficient_scope', scope: needed, error_description: `the scope "${needed}" is needed` }),
        },
      });
    },
    resourceMetadata(path = '') {
      if (path !== '' && !resourcePaths.has(path)) return undefined;
      return {
        resource: `${base()}${path}`,
        authorization_servers: opts.authorizationServers,
        ...(scopes.length ? { scopes_supported: scopes } : {}),
        bearer_methods_supported: ['header'],
      };
    },
  };
}

/** A value inside a quoted-string: no quotes, backslashes or control characters (RFC 6750 3: %x20-21 / %x23-5B / %x5D-7E). */
function quoted(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
}
