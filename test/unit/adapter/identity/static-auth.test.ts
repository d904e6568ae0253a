import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '../../../../src/adapter/hosts.js';
import { HttpError } from '../../../../src/adapter/http-error.js';
import { createAuthChecker, createAuthenticator } from '../../../../src/adapter/identity/static-auth.js';

function outcome(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const e = error as HttpError;
    expect(e.status).toBe(401);
    expect(e.headers?.['WWW-Authenticate']).toBeTruthy();
    return e.message.split(':')[0]!;
  }
}

describe('createAuthChecker', () => {
  it('is undefined without auth', () => {
    expect(createAuthChecker({ type: 'none' })).toBeUndefined();
  });

  const apiKey = createAuthChecker({ type: 'api-key', header: 'X-Custom-Key', secret: 's3cret' })!;
  const bearer = createAuthChecker({ type: 'bearer', secret: 'tok' })!;
  const basic = createAuthChecker({ type: 'basic', secret: 'ann:pa:ss' })!;
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  const table: [string, () => void, string][] = [
    ['api key right', () => apiKey.check({ 'x-custom-key': 's3cret' }, undefined), 'ok'],
    ['api key missing', () => apiKey.check({}, undefined), 'missing credentials'],
    ['api key wrong', () => apiKey.check({ 'x-custom-key': 's3cre' }, undefined), 'wrong credentials'],
    ['api key in the query', () => apiKey.check({ 'x-custom-key': 's3cret' }, 'x-custom-key=s3cret'), 'credentials in the query string are refused (URLs end up in logs); send the API key in the X-Custom-Key header'],
    ['api_key in the query', () => apiKey.check({}, 'a=1&api_key=s3cret'), 'credentials in the query string are refused (URLs end up in logs); send the API key in the X-Custom-Key header'],
    ['bearer right', () => bearer.check({ authorization: 'Bearer tok' }, undefined), 'ok'],
    ['bearer scheme case-insensitive', () => bearer.check({ authorization: 'bearer tok' }, undefined), 'ok'],
    ['bearer wrong', () => bearer.check({ authorization: 'Bearer tok2' }, undefined), 'wrong credentials'],
    ['bearer wrong scheme', () => bearer.check({ authorization: 'Basic tok' }, undefined), 'malformed Authorization header'],
    ['bearer access_token in query', () => bearer.check({ authorization: 'Bearer tok' }, 'access_token=tok'), 'credentials in the query string are refused (URLs end up in logs); send "Authorization'],
    ['basic right (password with colon)', () => basic.check({ authorization: `Basic ${b64('ann:pa:ss')}` }, undefined), 'ok'],
    ['basic wrong', () => basic.check({ authorization: `Basic ${b64('ann:pass')}` }, undefined), 'wrong credentials'],
    ['basic missing', () => basic.check({}, undefined), 'missing credentials'],
  ];
  it.each(table)('%s', (_name, fn, want) => {
    expect(outcome(fn)).toBe(want);
  });

  it('challenges with the scheme', () => {
    expect(apiKey.challenge).toContain('header="X-Custom-Key"');
    expect(bearer.challenge).toMatch(/^Bearer /);
    expect(basic.challenge).toMatch(/^Basic /);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.5', false],
    ['example.com', false],
  ])('%s → %s', (host, want) => expect(isLoopbackHost(host)).toBe(want));
});

describe('createAuthenticator', () => {
  const request = (headers: Record<string, string>, url = '/tools/x') => ({ headers, url }) as unknown as IncomingMessage;

  it('makes every caller anonymous without auth', async () => {
    const id = await createAuthenticator({ type: 'none' }).authenticate(request({}));
    expect(id).toEqual({ key: 'anonymous', kind: 'anonymous' });
  });

  it('gives one identity to one bearer token however the header is spelled, and never holds the secret in the key', async () => {
    const auth = createAuthenticator({ type: 'bearer', secret: 'tok-123' });
    const keys = new Set<string>();
    for (const header of ['Bearer tok-123', 'bearer tok-123', 'BEARER   tok-123  ', 'bEaReR tok-123']) {
      const id = await auth.authenticate(request({ authorization: header }));
      expect(id.kind).toBe('credential');
      expect(id.key).toMatch(/^cred:[A-Za-z0-9_-]{22}$/);
      expect(id.key).not.toContain('tok-123');
      keys.add(id.key);
    }
    expect(keys.size).toBe(1);
  });

  it('gives one identity to one basic credential whatever base64 noise surrounds it', async () => {
    const auth = createAuthenticator({ type: 'basic', secret: 'ann:pw' });
    const clean = Buffer.from('ann:pw').toString('base64');
    const a = await auth.authenticate(request({ authorization: `Basic ${clean}` }));
    const b = await auth.authenticate(request({ authorization: `basic ${clean.slice(0, 4)}!!${clean.slice(4)}` }));
    expect(b.key).toBe(a.key);
  });

  it('refuses a credential in the query string with 401', () => {
    const auth = createAuthenticator({ type: 'api-key', header: 'X-API-Key', secret: 'k' });
    expect(() => auth.authenticate(request({ 'x-api-key': 'k' }, '/tools/x?api_key=k'))).toThrow(/query string/);
  });

  it('takes several credentials, one per line: each its own identity carrying its own token', async () => {
    const auth = createAuthenticator({ type: 'bearer', secret: 'alice-key\r\nbob-key\n\n' });
    const a = await auth.authenticate(request({ authorization: 'Bearer alice-key' }));
    const b = await auth.authenticate(request({ authorization: 'Bearer bob-key' }));
    expect(a.key).not.toBe(b.key);
    expect([a.token, b.token]).toEqual(['alice-key', 'bob-key']);
    expect(() => auth.authenticate(request({ authorization: 'Bearer carol-key' }))).toThrow(/wrong credentials/);
  });
});
