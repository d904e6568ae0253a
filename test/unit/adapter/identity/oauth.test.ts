import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/adapter/http-error.js';
import { digestKey } from '../../../../src/adapter/identity/identity.js';
import { createOAuthAuthenticator, type TokenVerifier } from '../../../../src/adapter/identity/oauth.js';

const verifier: TokenVerifier = {
  async verify(token) {
    if (token === 'good') return { subject: 'alice', scopes: ['read'], expiresAt: 1_900_000_000_000 };
    if (token === 'writer') return { subject: 'bob', scopes: ['read', 'write'] };
    throw new Error('the token has expired');
  },
};
let base = 'https://tools.example.com';
const auth = createOAuthAuthenticator({
  verifier,
  issuer: 'https://auth.example.com',
  resource: () => base,
  scopesSupported: ['extra'],
  readScope: 'read',
  writeScope: 'write',
  authorizationServers: ['https://auth.example.com'],
});
const req = (url: string, authorization?: string) => ({ url, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const refusal = async (r: IncomingMessage): Promise<HttpError> => {
  try {
    await auth.authenticate(r);
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('accepted');
};
const META = 'resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource"';

describe('createOAuthAuthenticator: authenticate', () => {
  it('accepts a verified token: identity keyed by issuer and subject, never the token', async () => {
    const identity = await auth.authenticate(req('/tools/x', 'Bearer good'));
    expect(identity).toEqual({ key: digestKey('oauth', 'https://auth.example.com\nalice'), kind: 'oauth', scopes: ['read'], subject: 'alice', token: 'good', expiresAt: 1_900_000_000_000 });
    expect(identity.key).not.toContain('alice');
    expect((await auth.authenticate(req('/tools/x', 'bearer   good'))).subject).toBe('alice');
  });

  it.each([
    ['no header', req('/tools/x'), `Bearer ${META}`],
    ['another scheme', req('/tools/x', 'Basic Z29vZDo='), `Bearer error="invalid_request", error_description="expected a Bearer token", ${META}`],
    ['an empty bearer', req('/tools/x', 'Bearer '), `Bearer error="invalid_request", error_description="expected a Bearer token", ${META}`],
    ['a token with spaces', req('/tools/x', 'Bearer a b'), `Bearer error="invalid_request", error_description="expected a Bearer token", ${META}`],
    ['a refused token', req('/tools/x', 'Bearer bad'), `Bearer error="invalid_token", error_description="the token has expired", ${META}`],
    ['a token in the query', req('/tools/x?access_token=good', 'Bearer good'), `Bearer error="invalid_request", error_description="token in the query string", ${META}`],
    ['an encoded query name', req('/tools/x?%61ccess_token=good', 'Bearer good'), `Bearer error="invalid_request", error_description="token in the query string", ${META}`],
    ['/mcp without a token', req('/mcp'), 'Bearer resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource/mcp"'],
    ['/mcp?x=1 without a token', req('/mcp?x=1'), 'Bearer resource_metadata="https://tools.example.com/.well-known/oauth-protected-resource/mcp"'],
    ['/sse without a token', req('/sse'), `Bearer ${META}`],
  ])('401 for %s, with the RFC 6750 challenge', async (_name, r, challenge) => {
    const error = await refusal(r);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(401);
    expect(error.type).toBe('unauthorized');
    expect(error.headers).toEqual({ 'WWW-Authenticate': challenge });
  });

  it('keeps the challenge a valid quoted-string whatever the verifier says', async () => {
    const odd = createOAuthAuthenticator({ verifier: { verify: () => Promise.reject(new Error('bad "quote"\\ and\nnewline')) }, issuer: 'i', resource: 'https://r', authorizationServers: ['i'] });
    const error = (await Promise.resolve(odd.authenticate(req('/', 'Bearer x'))).catch((e: unknown) => e)) as HttpError;
    expect(error.headers!['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="bad ?quote?? and?newline", resource_metadata="https://r/.well-known/oauth-protected-resource"');
  });

  it('passes a verifier\'s HttpError (503: the authorization server is away) through, not as a 401', async () => {
    const away = new HttpError(503, 'upstream_unavailable', 'the access token cannot be checked now; retry in 5 s', { headers: { 'Retry-After': '5' } });
    const down = createOAuthAuthenticator({ verifier: { verify: () => Promise.reject(away) }, issuer: 'i', resource: 'https://r', authorizationServers: ['i'] });
    const error = await Promise.resolve(down.authenticate(req('/', 'Bearer x'))).catch((e: unknown) => e);
    expect(error).toBe(away);
  });

  it('reads the resource on each request (the local URL comes once listening)', async () => {
    base = 'http://127.0.0.1:4321';
    try {
      expect((await refusal(req('/'))).headers!['WWW-Authenticate']).toBe('Bearer resource_metadata="http://127.0.0.1:4321/.well-known/oauth-protected-resource"');
      expect(auth.resourceMetadata('')!.resource).toBe('http://127.0.0.1:4321');
    } finally {
      base = 'https://tools.example.com';
    }
  });
});

describe('createOAuthAuthenticator: authorize (scopes)', () => {
  const reader = { key: 'oauth:a', kind: 'oauth' as const, scopes: ['read'] };
  const writer = { key: 'oauth:b', kind: 'oauth' as const, scopes: ['read', 'write'] };
  const readOnlyTool = { name: 'get', annotations: { readOnlyHint: true } };
  const otherTool = { name: 'put' };

  it('read-only tools need the read scope, every other tool the write scope', () => {
    expect(() => auth.authorize!(reader, readOnlyTool)).not.toThrow();
    expect(() => auth.authorize!(writer, otherTool)).not.toThrow();
    let error: HttpError | undefined;
    try {
      auth.authorize!(reader, otherTool);
    } catch (e) {
      error = e as HttpError;
    }
    expect(error?.status).toBe(403);
    expect(error?.type).toBe('insufficient_scope');
    expect(error?.message).toContain('tool "put"');
    expect(error?.headers?.['WWW-Authenticate']).toBe(`Bearer error="insufficient_scope", scope="write", error_description="the scope ?write? is needed", ${META}`);
    expect(() => auth.authorize!({ key: 'oauth:c', kind: 'oauth', scopes: [] }, readOnlyTool)).toThrow(/needs the scope "read"/);
  });

  it('without --oauth-read-scope / --oauth-write-scope every valid token may call every tool', () => {
    const open = createOAuthAuthenticator({ verifier, issuer: 'i', resource: 'https://r', authorizationServers: ['i'] });
    expect(() => open.authorize!({ key: 'oauth:c', kind: 'oauth', scopes: [] }, otherTool)).not.toThrow();
  });
});

describe('createOAuthAuthenticator: RFC 9728 metadata', () => {
  it('for the adapter, for /mcp, and none elsewhere', () => {
    expect(auth.resourceMetadata()).toEqual({
      resource: 'https://tools.example.com',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['extra', 'read', 'write'],
      bearer_methods_supported: ['header'],
    });
    expect(auth.resourceMetadata('/mcp')!.resource).toBe('https://tools.example.com/mcp');
    expect(auth.resourceMetadata('/tools')).toBeUndefined();
  });
});
