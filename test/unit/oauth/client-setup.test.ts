import { describe, expect, it } from 'vitest';
import { chooseTokenExchange, fillOAuthFlow } from '../../../src/oauth/client-setup.js';
import { authSetupText } from '../../../src/openapi/gpt-setup.js';

const md = (extra: Record<string, unknown> = {}) => ({ issuer: 'https://auth.example.com', authorization_endpoint: 'https://auth.example.com/authorize', token_endpoint: 'https://auth.example.com/token', ...extra });

describe('fillOAuthFlow', () => {
  it.each([
    ['both from the metadata', { authorizationUrl: '', tokenUrl: '', scopes: ['a'] }, { authorizationUrl: 'https://auth.example.com/authorize', tokenUrl: 'https://auth.example.com/token', scopes: ['a'] }],
    ['explicit URLs win', { authorizationUrl: 'https://x.example.com/a', tokenUrl: '', scopes: [] }, { authorizationUrl: 'https://x.example.com/a', tokenUrl: 'https://auth.example.com/token', scopes: [] }],
  ])('%s', (_name, flow, want) => {
    expect(fillOAuthFlow(flow, md())).toEqual(want);
  });
  it('leaves empty what the metadata lacks', () => {
    expect(fillOAuthFlow({ authorizationUrl: '', tokenUrl: '', scopes: [] }, { issuer: 'https://a.example.com' })).toEqual({ authorizationUrl: '', tokenUrl: '', scopes: [] });
  });
});

describe('chooseTokenExchange', () => {
  it.each([
    ['nothing listed: client_secret_basic, the RFC 8414 default', undefined, { method: 'basic', both: false }],
    ['post and basic', ['client_secret_basic', 'client_secret_post'], { method: 'post', both: true, listed: ['client_secret_basic', 'client_secret_post'] }],
    ['post only', ['client_secret_post', 'private_key_jwt'], { method: 'post', both: false, listed: ['client_secret_post', 'private_key_jwt'] }],
    ['basic only', ['client_secret_basic'], { method: 'basic', both: false, listed: ['client_secret_basic'] }],
    ['neither', ['private_key_jwt', 'tls_client_auth'], { both: false, listed: ['private_key_jwt', 'tls_client_auth'] }],
  ])('%s', (_name, listed, want) => {
    expect(chooseTokenExchange(md(listed ? { token_endpoint_auth_methods_supported: listed } : {}))).toEqual(want);
  });
});

describe('authSetupText for OAuth', () => {
  const auth = { type: 'oauth' as const, oauth: { authorizationUrl: 'https://auth.example.com/authorize', tokenUrl: 'https://auth.example.com/token', scopes: ['read'] } };
  it.each([
    ['no metadata', undefined, '- Token Exchange Method: **Default (POST request)** sends the client secret in the request body (client_secret_post); choose **Basic authorization header** if your provider wants it in a header (client_secret_basic).'],
    ['post and basic', ['client_secret_basic', 'client_secret_post'], '- Token Exchange Method: **Default (POST request)** (client_secret_post). Your authorization server also accepts **Basic authorization header** (client_secret_basic): choose the one the client is registered with.'],
    ['post only', ['client_secret_post'], '- Token Exchange Method: **Default (POST request)** (client_secret_post, which your authorization server accepts).'],
    ['nothing listed', [], '- Token Exchange Method: your authorization server accepts neither'],
  ])('%s', (_name, listed, line) => {
    const info = listed === undefined ? undefined : { issuer: 'https://auth.example.com', exchange: chooseTokenExchange(md(listed.length ? { token_endpoint_auth_methods_supported: listed } : { token_endpoint_auth_methods_supported: ['private_key_jwt'] })) };
    const text = authSetupText(auth, info, 'https://api.example.com');
    expect(text).toContain(line);
    expect(text).toContain('audience = https://api.example.com');
    expect(text).toContain(info ? 'at your authorization server (`https://auth.example.com`)' : 'at your OAuth provider');
  });
  it('RFC 8414 default when the metadata lists no methods', () => {
    const text = authSetupText(auth, { issuer: 'https://auth.example.com', exchange: chooseTokenExchange(md()) });
    expect(text).toContain('**Basic authorization header** (client_secret_basic: your authorization server lists no token_endpoint_auth_methods_supported, and that is the default, RFC 8414)');
    expect(text).toContain('audience the server URL');
  });
  it('no scopes: leave the field empty', () => {
    expect(authSetupText({ type: 'oauth', oauth: { ...auth.oauth, scopes: [] } })).toContain('- Scope: leave it empty (no `--oauth-scopes` given).');
  });
});
