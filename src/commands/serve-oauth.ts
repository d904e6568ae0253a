/**
 * `serve --auth oauth`: the flags (`--oauth-issuer`, `--oauth-audience`, `--oauth-scopes`, `--oauth-read-scope`,
 * `--oauth-write-scope`) checked once, the issuer discovered, its keys fetched (an issuer unreachable at start is
 * exit 2, not a server that refuses everybody), and the authenticator built.
 */
import { createOAuthAuthenticator, type OAuthAuthenticator } from '../adapter/identity/oauth.js';
import { discoverIssuerMetadata, isSecureOrLoopback, IssuerDiscoveryError, type IssuerMetadata } from '../adapter/identity/issuer-discovery.js';
import { ConfigError, UsageError } from '../errors.js';
import type { AuthOptions } from '../openapi/build-spec.js';

export interface OAuthFlags {
  oauthIssuer?: string;
  oauthAudience?: string[];
  oauthReadScope?: string;
  oauthWriteScope?: string;
}

export interface OAuthSettings {
  issuer: string;
  /** Accepted `aud` values; none = the public URL (and its /mcp resource). */
  audience?: string[];
  /** What the spec and the metadata list (--oauth-scopes). */
  scopes: string[];
  readScope?: string;
  writeScope?: string;
}

const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The OAuth settings, or undefined when `--auth` is not oauth (then no --oauth-issuer etc. may be given). */
export function parseOAuthFlags(opts: OAuthFlags, auth: AuthOptions): OAuthSettings | undefined {
  if (auth.type !== 'oauth') {
    const stray = [
      ['--oauth-issuer', opts.oauthIssuer],
      ['--oauth-audience', opts.oauthAudience?.length ? opts.oauthAudience : undefined],
      ['--oauth-read-scope', opts.oauthReadScope],
      ['--oauth-write-scope', opts.oauthWriteScope],
    ].find(([, v]) => v !== undefined);
    if (stray) throw new UsageError(`${stray[0]} only applies to --auth oauth`, { hint: 'add --auth oauth --oauth-issuer https://…' });
    return undefined;
  }
  const issuer = opts.oauthIssuer;
  if (!issuer) {
    throw new UsageError('serve --auth oauth needs --oauth-issuer: the authorization server whose tokens it accepts', {
      hint: 'e.g. --oauth-issuer https://auth.example.com (its /.well-known/oauth-authorization-server or openid-configuration names the keys)',
    });
  }
  if (!isSecureOrLoopback(issuer)) {
    throw new UsageError(`--oauth-issuer "${issuer}" is not an https URL`, { hint: 'give the issuer\'s https URL (plain http is accepted on 127.0.0.1/localhost only, for testing)' });
  }
  for (const [flag, scope] of [['--oauth-read-scope', opts.oauthReadScope], ['--oauth-write-scope', opts.oauthWriteScope]] as const) {
    if (scope !== undefined && !SCOPE.test(scope)) throw new UsageError(`${flag} "${scope}" is not one OAuth scope`, { hint: `e.g. ${flag} ${flag.includes('read') ? 'tools:read' : 'tools:write'}` });
  }
  const scopes = auth.oauth?.scopes ?? [];
  for (const s of scopes) if (!SCOPE.test(s)) throw new UsageError(`--oauth-scopes: "${s}" is not an OAuth scope`, { hint: 'list scopes separated by spaces or commas, e.g. --oauth-scopes "tools:read tools:write"' });
  return {
    issuer,
    ...(opts.oauthAudience?.length ? { audience: opts.oauthAudience } : {}),
    scopes,
    ...(opts.oauthReadScope ? { readScope: opts.oauthReadScope } : {}),
    ...(opts.oauthWriteScope ? { writeScope: opts.oauthWriteScope } : {}),
  };
}

export interface StartedOAuth {
  authenticator: OAuthAuthenticator;
  metadata: IssuerMetadata;
}

/**
 * Discovers the issuer, fetches its keys and builds the authenticator. `resource` is the adapter's public URL (read
 * on every request: without --public-url it is the local URL, known once listening). Throws ConfigError (exit 2)
 * when the issuer or its keys cannot be reached.
 */
export async function startOAuth(settings: OAuthSettings, resource: () => string, options: { resourcePaths?: string[] } = {}): Promise<StartedOAuth> {
  let metadata: IssuerMetadata;
  try {
    metadata = await discoverIssuerMetadata(settings.issuer);
  } catch (error) {
    if (!(error instanceof IssuerDiscoveryError)) throw error;
    throw new ConfigError(`--oauth-issuer ${settings.issuer}: ${error.message}`, {
      hint: 'check the issuer URL (it must serve /.well-known/oauth-authorization-server or /.well-known/openid-configuration) and that this machine can reach it',
      cause: error,
    });
  }
  const resourcePaths = options.resourcePaths ?? ['/mcp'];
  const { createJwtVerifier } = await import('../adapter/identity/jwt-verifier.js');
  const verifier = createJwtVerifier({
    issuer: metadata.issuer,
    jwksUri: metadata.jwks_uri,
    // The REST face is the public URL; the MCP endpoint is its own resource (RFC 9728 3.1), tokens for either pass.
    audience: settings.audience ?? (() => { const base = resource().replace(/\/+$/, ''); return [base, ...resourcePaths.map((p) => base + p)]; }),
  });
  try {
    await verifier.keys.load();
  } catch (error) {
    throw new ConfigError(`--oauth-issuer ${settings.issuer}: ${(error as Error).message}`, {
      hint: 'the issuer\'s jwks_uri must answer with its signing keys; check that this machine can reach it',
      cause: error,
    });
  }
  const authenticator = createOAuthAuthenticator({
    verifier,
    issuer: metadata.issuer,
    resource,
    scopesSupported: settings.scopes,
    ...(settings.readScope ? { readScope: settings.readScope } : {}),
    ...(settings.writeScope ? { writeScope: settings.writeScope } : {}),
    authorizationServers: [metadata.issuer],
    resourcePaths,
  });
  return { authenticator, metadata };
}
