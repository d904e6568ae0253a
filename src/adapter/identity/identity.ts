/**
 * Who is calling. Every face (REST, MCP) resolves an `Identity` once per request through an `Authenticator`;
 * everything downstream keys on `identity.key`: rate limits, job ownership, per-user upstreams, log lines.
 * The key is never a secret and never a raw OAuth subject (a digest of either), so it may be logged and stored.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Identity {
  /**
   * Stable, non-secret key of the caller, the same on every replica: `anonymous`, `cred:<digest>` (a static
   * credential) or `oauth:<digest of issuer + subject>`.
   */
  readonly key: string;
  readonly kind: 'anonymous' | 'credential' | 'oauth';
  /** Scopes granted to the caller (OAuth); undefined when the scheme has none. */
  readonly scopes?: readonly string[];
  /** The OAuth subject as the token states it. Never log it: log `key`. */
  readonly subject?: string;
  /** The raw credential presented (for per-user `{token}` templates). Never log it. */
  readonly token?: string;
  /** When the credential stops being valid (ms since the epoch), when known. */
  readonly expiresAt?: number;
}

export interface Authenticator {
  /** The scheme, for logs and /readyz: none | api-key | bearer | basic | oauth. */
  readonly type: string;
  /**
   * Resolves the caller of a request, or throws an HttpError: 401 with `WWW-Authenticate` for missing, malformed
   * or wrong credentials. Reads only the request's headers and URL (never the body).
   */
  authenticate(req: IncomingMessage): Identity | Promise<Identity>;
  /**
   * Throws an HttpError 403 (`insufficient_scope`) unless `identity` may call `tool`; absent = every
   * authenticated caller may call every tool. Every face calls it once the tool is known.
   */
  authorize?(identity: Identity | undefined, tool: { name: string; annotations?: { readOnlyHint?: boolean } }): void;
  /**
   * The RFC 9728 protected-resource metadata to serve at `/.well-known/oauth-protected-resource{path}`: `path` is
   * '' for the adapter itself, or a resource path such as '/mcp'; undefined when there is none for that path.
   */
  resourceMetadata?(path?: string): Record<string, unknown> | undefined;
}

export const ANONYMOUS: Identity = Object.freeze({ key: 'anonymous', kind: 'anonymous' });

/** A short, stable, non-reversible key for a secret or a subject (base64url of SHA-256, 128 bits). */
export function digestKey(prefix: string, value: string): string {
  return `${prefix}:${createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, 22)}`;
}
