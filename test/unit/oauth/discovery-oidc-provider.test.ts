import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAuthorizationServer } from '../../../src/oauth/discovery.js';
import { startOidcProvider, type TestAuthorizationServer } from '../../helpers/oidc.js';

// A real authorization server: oidc-provider serves OpenID Connect discovery only, so this also walks the fallback.
describe('discovery against oidc-provider', () => {
  let as: TestAuthorizationServer;
  beforeAll(async () => {
    as = await startOidcProvider({ resource: 'https://mcp.example.com', clientAuthMethods: ['client_secret_basic', 'client_secret_post'] });
  });
  afterAll(async () => {
    await as?.close();
  });

  it('finds the endpoints, keys and scopes', async () => {
    const md = await discoverAuthorizationServer(as.issuer);
    expect(md.issuer).toBe(as.issuer);
    expect(md.jwks_uri).toBe(`${as.issuer}/jwks`);
    expect(md.authorization_endpoint).toBe(`${as.issuer}/auth`);
    expect(md.token_endpoint).toBe(`${as.issuer}/token`);
    expect(md.introspection_endpoint).toBe(`${as.issuer}/token/introspection`);
    expect(md.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(md.scopes_supported).toContain('openid');
    const jwks = (await (await fetch(md.jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([as.privateJwk.kid]);
  });

  it('refuses the same server configured with a trailing slash (issuer mismatch)', async () => {
    await expect(discoverAuthorizationServer(`${as.issuer}/`)).rejects.toThrow(/names "http:\/\/127\.0\.0\.1:\d+", not the configured issuer/);
  });

  it('the helper issues what the other tests need: JWT for the resource, code flow with refresh, introspection, revocation', async () => {
    const cc = await as.clientCredentials();
    const payload = JSON.parse(Buffer.from(cc.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: as.issuer, aud: 'https://mcp.example.com', scope: 'read write', client_id: 'chatgpt' });

    const code = await as.authorizationCode({ user: 'bob', scope: 'read' });
    expect(code.token_type).toBe('Bearer');
    const user = JSON.parse(Buffer.from(code.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(user).toMatchObject({ sub: 'bob', aud: 'https://mcp.example.com', scope: 'read' });
    expect(code.refresh_token).toBeTruthy();
    const refreshed = await as.refresh(code.refresh_token!);
    expect(refreshed.access_token).not.toBe(code.access_token);
  });
});

describe('oidc-provider with opaque tokens', () => {
  let as: TestAuthorizationServer;
  beforeAll(async () => {
    as = await startOidcProvider({ resource: 'https://mcp.example.com', accessTokenFormat: 'opaque' });
  });
  afterAll(async () => {
    await as?.close();
  });

  it('issues opaque tokens that introspect active until revoked', async () => {
    const t = await as.authorizationCode({ user: 'carol' });
    expect(t.access_token.split('.')).toHaveLength(1);
    expect(await as.introspect(t.access_token)).toMatchObject({ active: true, sub: 'carol', aud: 'https://mcp.example.com', scope: 'read write' });
    await as.revoke(t.access_token);
    expect(await as.introspect(t.access_token)).toEqual({ active: false });
  });
});
