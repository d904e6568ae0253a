/**
 * `serve --auth oauth`: the flags (`--oauth-issuer`, `--oauth-audience`, `--oauth-scopes`, `--oauth-read-scope`,
 * `--oauth-write-scope`, `--oauth-introspection[-url]`, `--oauth-introspection-ttl`) checked once, the issuer
 * discovered (src/oauth/discovery.ts, as `generate` does), its keys fetched and the introspection endpoint probed
 * with the adapter's client credentials (an issuer unreachable or credentials refused at start are exit 2, not a
 * server that refuses everybody), and the authenticator built.
 */
import { isLoopbackHost } from '../adapter/hosts.js';
import { createOAuthAuthenticator, type OAuthAuthenticator, type TokenVerifier } from '../adapter/identity/oauth.js';
import { ConfigError, UsageError } from '../errors.js';
import { checkIssuerUrl, discoverAuthorizationServer, type AuthorizationServerMetadata } from '../oauth/discovery.js';
import type { AuthOptions } from '../openapi/build-spec.js';
import { parseIntFlag } from './serve-options.js';

export interface OAuthFlags {
  oauthIssuer?: string;
  oauthAudience?: string[];
  oauthReadScope?: string;
  oauthWriteScope?: string;
  oauthIntrospection?: boolean;
  oauthIntrospectionUrl?: string;
  oauthIntrospectionTtl?: string;
}

/** The adapter's own client at the authorization server, for introspection (never flags: they show in `ps`). */
export const CLIENT_ID_ENV = 'MCP_ACTIONS_OAUTH_CLIENT_ID';
export const CLIENT_SECRET_ENV = 'MCP_ACTIONS_OAUTH_CLIENT_SECRET';
export const DEFAULT_INTROSPECTION_TTL_S = 60;
const MAX_INTROSPECTION_TTL_S = 3600;

export interface IntrospectionSettings {
  /** --oauth-introspection-url; undefined: the issuer metadata's introspection_endpoint (--oauth-introspection). */
  url?: string;
  ttlMs: number;
  clientId: string;
  clientSecret: string;
}

export interface OAuthSettings {
  issuer: string;
  /** Accepted `aud` values; none = the public URL (and its /mcp resource). */
  audience?: string[];
  /** What the spec and the metadata list (--oauth-scopes). */
  scopes: string[];
  readScope?: string;
  writeScope?: string;
  /** Opaque tokens through RFC 7662 introspection; undefined: JWTs only. */
  introspection?: IntrospectionSettings;
}

const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The OAuth settings, or undefined when `--auth` is not oauth (then no --oauth-issuer etc. may be given). */
export function parseOAuthFlags(opts: OAuthFlags, auth: AuthOptions, env: Record<string, string | undefined> = {}): OAuthSettings | undefined {
  if (auth.type !== 'oauth') {
    const stray = [
      ['--oauth-issuer', opts.oauthIssuer],
      ['--oauth-audience', opts.oauthAudience?.length ? opts.oauthAudience : undefined],
      ['--oauth-read-scope', opts.oauthReadScope],
      ['--oauth-write-scope', opts.oauthWriteScope],
      ['--oauth-introspection', opts.oauthIntrospection],
      ['--oauth-introspection-url', opts.oauthIntrospectionUrl],
      ['--oauth-introspection-ttl', opts.oauthIntrospectionTtl],
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
  try {
    checkIssuerUrl(issuer);
  } catch (error) {
    // a flag's value: a usage error here (the same check, and words, as generate's)
    if (error instanceof ConfigError) throw new UsageError(error.message, { ...(error.hint ? { hint: error.hint } : {}) });
    throw error;
  }
  for (const [flag, scope] of [['--oauth-read-scope', opts.oauthReadScope], ['--oauth-write-scope', opts.oauthWriteScope]] as const) {
    if (scope !== undefined && !SCOPE.test(scope)) throw new UsageError(`${flag} "${scope}" is not one OAuth scope`, { hint: `e.g. ${flag} ${flag.includes('read') ? 'tools:read' : 'tools:write'}` });
  }
  const scopes = auth.oauth?.scopes ?? [];
  for (const s of scopes) if (!SCOPE.test(s)) throw new UsageError(`--oauth-scopes: "${s}" is not an OAuth scope`, { hint: 'list scopes separated by spaces or commas, e.g. --oauth-scopes "tools:read tools:write"' });
  const introspection = parseIntrospectionFlags(opts, env);
  return {
    issuer,
    ...(opts.oauthAudience?.length ? { audience: opts.oauthAudience } : {}),
    scopes,
    ...(opts.oauthReadScope ? { readScope: opts.oauthReadScope } : {}),
    ...(opts.oauthWriteScope ? { writeScope: opts.oauthWriteScope } : {}),
    ...(introspection ? { introspection } : {}),
  };
}

function parseIntrospectionFlags(opts: OAuthFlags, env: Record<string, string | undefined>): IntrospectionSettings | undefined {
  const url = opts.oauthIntrospectionUrl;
  if (url !== undefined && opts.oauthIntrospection) {
    throw new UsageError('--oauth-introspection and --oauth-introspection-url are one setting given twice', {
      hint: 'give --oauth-introspection (the issuer\'s introspection_endpoint) or --oauth-introspection-url URL, not both',
    });
  }
  if (url === undefined && !opts.oauthIntrospection) {
    if (opts.oauthIntrospectionTtl !== undefined) throw new UsageError('--oauth-introspection-ttl needs --oauth-introspection or --oauth-introspection-url', { hint: 'add --oauth-introspection' });
    return undefined;
  }
  if (url !== undefined) checkEndpointUrl(url, '--oauth-introspection-url');
  const ttlS = parseIntFlag(opts.oauthIntrospectionTtl, '--oauth-introspection-ttl', DEFAULT_INTROSPECTION_TTL_S, 0, MAX_INTROSPECTION_TTL_S);
  const clientId = env[CLIENT_ID_ENV];
  const clientSecret = env[CLIENT_SECRET_ENV];
  const missing = [clientId ? undefined : CLIENT_ID_ENV, clientSecret ? undefined : CLIENT_SECRET_ENV].filter(Boolean);
  if (missing.length) {
    const flag = url !== undefined ? '--oauth-introspection-url' : '--oauth-introspection';
    throw new ConfigError(`${flag} needs the adapter's client credentials: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`, {
      hint: `set ${CLIENT_ID_ENV} and ${CLIENT_SECRET_ENV} to the id and secret of a client registered for the adapter at the authorization server`,
    });
  }
  return { ...(url !== undefined ? { url } : {}), ttlMs: ttlS * 1000, clientId: clientId!, clientSecret: clientSecret! };
}

/** An https URL (http on loopback only, for testing) without credentials; UsageError otherwise. */
function checkEndpointUrl(value: string, flag: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL`, { hint: `e.g. ${flag} https://auth.example.com/oauth/introspect` });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UsageError(`${flag} "${value}" is not https`, { hint: 'tokens are sent to it: https only (plain http is allowed for localhost and 127.0.0.1 only, for testing)' });
  }
  if (url.username || url.password) throw new UsageError(`${flag} "${value}" carries credentials`, { hint: `remove the user:password@ part and set ${CLIENT_ID_ENV} and ${CLIENT_SECRET_ENV}` });
}

export interface StartedOAuth {
  authenticator: OAuthAuthenticator;
  metadata: AuthorizationServerMetadata;
  /** The introspection endpoint in use, when opaque tokens are accepted. */
  introspectionEndpoint?: string;
}

/**
 * Discovers the issuer, fetches its keys, probes the introspection endpoint and builds the authenticator.
 * `resource` is the adapter's public URL (read on every request: without --public-url it is the local URL, known
 * once listening). Throws an exit-2 error (ConfigError, OAuthDiscoveryError) when the issuer, its keys or its
 * introspection endpoint cannot be used.
 */
export async function startOAuth(settings: OAuthSettings, resource: () => string, options: { resourcePaths?: string[] } = {}): Promise<StartedOAuth> {
  const metadata = await discoverAuthorizationServer(settings.issuer);
  const resourcePaths = options.resourcePaths ?? ['/mcp'];
  // The REST face is the public URL; the MCP endpoint is its own resource (RFC 9728 3.1), tokens for either pass.
  const audience = settings.audience ?? (() => { const base = resource().replace(/\/+$/, ''); return [base, ...resourcePaths.map((p) => base + p)]; });
  const intro = settings.introspection;
  if (!metadata.jwks_uri && !intro) {
    throw new ConfigError(`the issuer ${settings.issuer} publishes no jwks_uri, so its access tokens cannot be checked as JWTs`, {
      hint: `if they are opaque, add --oauth-introspection (with ${CLIENT_ID_ENV} and ${CLIENT_SECRET_ENV} set)`,
    });
  }
  let jwt: TokenVerifier | undefined;
  if (metadata.jwks_uri) {
    const { createJwtVerifier } = await import('../adapter/identity/jwt-verifier.js');
    const verifier = createJwtVerifier({ issuer: metadata.issuer, jwksUri: metadata.jwks_uri, audience });
    try {
      await verifier.keys.load();
    } catch (error) {
      throw new ConfigError(`--oauth-issuer ${settings.issuer}: ${(error as Error).message}`, {
        hint: 'the issuer\'s jwks_uri must answer with its signing keys; check that this machine can reach it',
        cause: error,
      });
    }
    jwt = verifier;
  }
  let verifier = jwt;
  let introspectionEndpoint: string | undefined;
  if (intro) {
    introspectionEndpoint = intro.url ?? metadata.introspection_endpoint;
    if (!introspectionEndpoint) {
      throw new ConfigError(`the issuer ${settings.issuer} names no introspection_endpoint in its metadata`, {
        hint: 'pass the endpoint with --oauth-introspection-url https://…',
      });
    }
    const { createIntrospectionVerifier, IntrospectionError, routeTokens } = await import('../adapter/identity/introspection.js');
    const opaque = createIntrospectionVerifier({
      endpoint: introspectionEndpoint,
      clientId: intro.clientId,
      clientSecret: intro.clientSecret,
      authMethod: introspectionAuthMethod(metadata, settings.issuer),
      issuer: metadata.issuer,
      audience,
      ttlMs: intro.ttlMs,
    });
    try {
      await opaque.probe();
    } catch (error) {
      if (!(error instanceof IntrospectionError)) throw error;
      throw new ConfigError(error.message, {
        hint: error.kind === 'client-refused'
          ? `check ${CLIENT_ID_ENV} and ${CLIENT_SECRET_ENV}: a client registered at ${settings.issuer} that may introspect tokens`
          : error.kind === 'unreachable' || error.kind === 'timeout'
            ? 'check that the authorization server is up and reachable from here'
            : 'check --oauth-introspection-url: it must be the authorization server\'s RFC 7662 introspection endpoint',
        cause: error,
      });
    }
    verifier = jwt ? routeTokens(metadata.issuer, jwt, opaque) : opaque;
  }
  const authenticator = createOAuthAuthenticator({
    verifier: verifier!,
    issuer: metadata.issuer,
    resource,
    scopesSupported: settings.scopes,
    ...(settings.readScope ? { readScope: settings.readScope } : {}),
    ...(settings.writeScope ? { writeScope: settings.writeScope } : {}),
    authorizationServers: [metadata.issuer],
    resourcePaths,
  });
  return { authenticator, metadata, ...(introspectionEndpoint ? { introspectionEndpoint } : {}) };
}

/**
 * client_secret_basic unless the metadata's introspection_endpoint_auth_methods_supported leaves it out and lists
 * client_secret_post (RFC 8414 2: absent means client_secret_basic).
 */
function introspectionAuthMethod(metadata: AuthorizationServerMetadata, issuer: string): 'client_secret_basic' | 'client_secret_post' {
  const listed = metadata.introspection_endpoint_auth_methods_supported;
  if (!Array.isArray(listed) || listed.includes('client_secret_basic')) return 'client_secret_basic';
  if (listed.includes('client_secret_post')) return 'client_secret_post';
  throw new ConfigError(`the issuer ${issuer}'s introspection endpoint accepts only ${listed.join(', ') || 'no client authentication'}`, {
    hint: 'mcp-actions authenticates with a client secret (client_secret_basic or client_secret_post): allow one of them for its client',
  });
}
