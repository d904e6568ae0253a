/**
 * `generate openapi|gpt --auth oauth --oauth-issuer URL`: discover the authorization server before connecting to
 * the MCP server (a wrong issuer fails fast, nothing spawned), fill the flow's authorization and token URLs from its
 * metadata (--oauth-authorization-url / --oauth-token-url still win), warn about a token endpoint the GPT builder
 * cannot talk to. Scopes stay what --oauth-scopes says: scopes_supported describes the whole server (often only its
 * OpenID scopes: oidc-provider lists `openid offline_access` while it issues `read write` for a resource), not
 * what this API needs, so it neither fills nor checks them.
 */
import { ConfigError, UsageError } from '../errors.js';
import { chooseTokenExchange, fillOAuthFlow } from '../oauth/client-setup.js';
import { checkIssuerUrl, discoverAuthorizationServer, type AuthorizationServerMetadata, type DiscoveryOptions } from '../oauth/discovery.js';
import type { SpecOptions } from '../openapi/build-spec.js';
import type { CommandIO } from './io.js';

export interface OAuthIssuerFlags {
  /** --oauth-issuer: the authorization server whose metadata fills the OAuth flow. */
  oauthIssuer?: string;
}

export interface DiscoveredIssuer {
  issuer: string;
  metadata: AuthorizationServerMetadata;
}

/** Discovers `flags.oauthIssuer` (if given) and fills `specOptions.auth.oauth` in place; notes go to stderr. */
export async function applyOAuthIssuer(
  specOptions: SpecOptions,
  flags: OAuthIssuerFlags,
  io: CommandIO,
  discovery: DiscoveryOptions = {},
): Promise<DiscoveredIssuer | undefined> {
  const issuer = flags.oauthIssuer;
  const auth = specOptions.auth;
  if (issuer === undefined) {
    if (auth?.type === 'oauth' && (!auth.oauth?.authorizationUrl || !auth.oauth.tokenUrl)) {
      throw new UsageError('--auth oauth needs --oauth-issuer, or --oauth-authorization-url and --oauth-token-url', {
        hint: 'e.g. --oauth-issuer https://auth.example.com (its metadata names both URLs)',
      });
    }
    return undefined;
  }
  if (auth?.type !== 'oauth' || !auth.oauth) throw new UsageError('--oauth-issuer only applies to --auth oauth', { hint: 'add --auth oauth' });
  checkIssuerUrl(issuer);
  io.stderr(`discovering the authorization server ${issuer}…\n`);
  const metadata = await discoverAuthorizationServer(issuer, discovery);
  auth.oauth = fillOAuthFlow(auth.oauth, metadata);
  const missing: [field: string, flag: string][] = [];
  if (!auth.oauth.authorizationUrl) missing.push(['authorization_endpoint', '--oauth-authorization-url']);
  if (!auth.oauth.tokenUrl) missing.push(['token_endpoint', '--oauth-token-url']);
  if (missing.length) {
    throw new ConfigError(`the metadata of ${issuer} has no ${missing.map((m) => m[0]).join(' nor ')}`, { hint: `pass ${missing.map((m) => m[1]).join(' and ')}` });
  }
  const exchange = chooseTokenExchange(metadata);
  if (!exchange.method) {
    io.stderr(`warning: ${issuer} lists neither client_secret_post nor client_secret_basic for its token endpoint (${exchange.listed!.join(', ')}); the GPT builder sends the client secret only one of these two ways\n`);
  }
  return { issuer, metadata };
}
