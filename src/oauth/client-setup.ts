/**
 * What a GPT's OAuth needs from an authorization server's metadata: the flow's URLs (explicit flags win), the
 * "Token Exchange Method" of the GPT builder (POST body or Basic header, from token_endpoint_auth_methods_supported).
 * Pure.
 * @see platform-facts.md "Auth: … OAuth (client id/secret, authorization URL, token URL, scope, token exchange method)"
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (token_endpoint_auth_methods_supported, default client_secret_basic)
 */
import type { AuthOptions } from '../openapi/security.js';
import type { AuthorizationServerMetadata } from './discovery.js';

type OAuthFlow = NonNullable<AuthOptions['oauth']>;

/** The flow with the URLs the flags left empty taken from the metadata. */
export function fillOAuthFlow(flow: OAuthFlow, metadata: AuthorizationServerMetadata): OAuthFlow {
  return {
    ...flow,
    authorizationUrl: flow.authorizationUrl || metadata.authorization_endpoint || '',
    tokenUrl: flow.tokenUrl || metadata.token_endpoint || '',
  };
}

/** The GPT builder's two choices: "Default (POST request)" = client_secret_post, "Basic authorization header" = client_secret_basic. */
export type TokenExchangeMethod = 'post' | 'basic';

export interface TokenExchangeChoice {
  /** undefined: the server accepts neither way the GPT builder can send the client secret. */
  method?: TokenExchangeMethod;
  /** Both are accepted (the client's registration decides). */
  both: boolean;
  /** What the metadata lists; undefined when it lists nothing (then client_secret_basic, RFC 8414 §2). */
  listed?: string[];
}

/** The token exchange method to choose in the GPT builder for this authorization server. */
export function chooseTokenExchange(metadata: AuthorizationServerMetadata): TokenExchangeChoice {
  const listed = metadata.token_endpoint_auth_methods_supported;
  const methods = listed ?? ['client_secret_basic'];
  const post = methods.includes('client_secret_post');
  const basic = methods.includes('client_secret_basic');
  return {
    ...(post ? { method: 'post' as const } : basic ? { method: 'basic' as const } : {}),
    both: post && basic,
    ...(listed ? { listed } : {}),
  };
}
