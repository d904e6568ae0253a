import { describe, expect, it } from 'vitest';
import { createAuthChecker, isLoopbackHost } from '../../../src/adapter/auth.js';
import { HttpError } from '../../../src/adapter/http-error.js';

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
