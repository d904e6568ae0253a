/**
 * The RFC 7662 introspection verifier behind `serve --auth oauth --oauth-introspection`, against a real HTTP
 * endpoint on 127.0.0.1 that the test scripts (and a clock the test moves): client authentication (Basic with
 * form-encoded credentials, or in the body), the checks on an answer, the cache (TTL and exp bound, refusals for
 * 5 s, LRU bound), one request for concurrent checks of a token, and 503 (never a 401, never
 * cached) when the endpoint cannot answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/adapter/http-error.js';
import { createIntrospectionVerifier, IntrospectionError, jwtIssuer, routeTokens, type IntrospectionOptions } from '../../../../src/adapter/identity/introspection.js';
import { InvalidTokenError, type TokenVerifier } from '../../../../src/adapter/identity/oauth.js';

const ISSUER = 'https://auth.example.com';
const AUD = 'https://tools.example.com';
let server: Server;
let endpoint: string;
/** What the endpoint answers for a token; the default: active, alice, an hour left on the test clock. */
let answer: (token: string) => { status?: number; body: unknown; delayMs?: number; reset?: boolean } = () => ({ body: active() });
let seen: { authorization?: string; contentType?: string; form: URLSearchParams }[] = [];
let clock = 1_800_000_000_000;
const now = () => clock;
const active = (claims: Record<string, unknown> = {}) => ({
  active: true, iss: ISSUER, aud: AUD, sub: 'alice', scope: 'tools:read tools:write', client_id: 'gpt', exp: Math.floor(clock / 1000) + 3600, token_type: 'Bearer', ...claims,
});

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      seen.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], form });
      const a = answer(form.get('token') ?? '');
      if (a.reset) return void req.socket.destroy();
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  // Idle pauses between tests (the 10,000-answer one) must not race the default 5 s keep-alive close (the retry
  // on a reset is tested on its own below).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
});
afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
beforeEach(() => {
  answer = () => ({ body: active() });
  seen = [];
});

const make = (o: Partial<IntrospectionOptions> = {}) =>
  createIntrospectionVerifier({ endpoint, clientId: 'mcp-actions', clientSecret: 's3cret', issuer: ISSUER, audience: AUD, now, ...o });
const refusal = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
};

describe('the request', () => {
  it('POSTs token and token_type_hint with HTTP Basic, id and secret form-encoded first (RFC 6749 2.3.1)', async () => {
    const v = make({ clientId: 'rs client:1', clientSecret: 'p@ss word/+' });
    expect(await v.verify('tok-basic')).toEqual({ subject: 'alice', scopes: ['tools:read', 'tools:write'], clientId: 'gpt', expiresAt: (Math.floor(clock / 1000) + 3600) * 1000 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ token: 'tok-basic', token_type_hint: 'access_token' });
    expect(Buffer.from(seen[0]!.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('rs+client%3A1:p%40ss+word%2F%2B');
  });

  it('client_secret_post: the credentials in the body, no Authorization header', async () => {
    await make({ authMethod: 'client_secret_post' }).verify('tok-post');
    expect(seen[0]!.authorization).toBeUndefined();
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ token: 'tok-post', token_type_hint: 'access_token', client_id: 'mcp-actions', client_secret: 's3cret' });
  });
});

describe('the checks on an answer', () => {
  const t = () => Math.floor(clock / 1000);
  it.each([
    ['inactive', { active: false }, /not active/],
    ['another issuer', () => active({ iss: 'https://other.example.com' }), /another authorization server \(iss\)/],
    ['another audience', () => active({ aud: 'https://elsewhere.example.com' }), /another resource \(aud\)/],
    ['an audience list without ours', () => active({ aud: ['https://a.example.com', 'https://b.example.com'] }), /another resource \(aud\)/],
    ['expired beyond the 30 s tolerance', () => active({ exp: t() - 31 }), /has expired/],
    ['not valid yet', () => active({ nbf: t() + 60 }), /not valid yet \(nbf\)/],
    ['a refresh token', () => active({ token_type: 'refresh_token' }), /refresh token is not an access token/],
    ['no subject', () => active({ sub: undefined }), /no subject \(sub\): the authorization server must name/],
  ])('%s: refused (401 material), with a reason', async (_name, body, reason) => {
    answer = () => ({ body: typeof body === 'function' ? body() : body });
    const error = await refusal(make().verify('tok'));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(reason);
  });

  it('accepts an audience list with ours, an answer without iss/aud/exp, and exp within the tolerance', async () => {
    answer = () => ({ body: active({ aud: ['https://a.example.com', AUD] }) });
    expect((await make().verify('a')).subject).toBe('alice');
    answer = () => ({ body: { active: true, sub: 'bob' } });
    expect(await make().verify('b')).toEqual({ subject: 'bob', scopes: [] });
    answer = () => ({ body: active({ exp: Math.floor(clock / 1000) - 10 }) });
    expect((await make().verify('c')).subject).toBe('alice');
  });
});

describe('the cache', () => {
  it('reuses an active answer for the TTL, then asks again', async () => {
    const v = make({ ttlMs: 60_000 });
    await v.verify('t1');
    clock += 59_000;
    await v.verify('t1');
    expect(v.requests).toBe(1);
    clock += 2_000;
    await v.verify('t1');
    expect(v.requests).toBe(2);
  });

  it('never past the token\'s exp, even with a longer TTL', async () => {
    answer = () => ({ body: active({ exp: Math.floor(clock / 1000) + 10 }) });
    const v = make({ ttlMs: 3_600_000 });
    await v.verify('short');
    clock += 9_000;
    await v.verify('short');
    expect(v.requests).toBe(1);
    clock += 2_000;
    answer = () => ({ body: { active: false } });
    await expect(v.verify('short')).rejects.toThrow(/not active/);
    expect(v.requests).toBe(2);
  });

  it('TTL 0: every check asks', async () => {
    const v = make({ ttlMs: 0 });
    await v.verify('t');
    await v.verify('t');
    expect(v.requests).toBe(2);
    expect(v.cached).toBe(0);
  });

  it('a refusal is reused for 5 s, then asked again (a token that became active is then accepted)', async () => {
    answer = () => ({ body: { active: false } });
    const v = make();
    await expect(v.verify('nope')).rejects.toThrow(/not active/);
    clock += 4_900;
    await expect(v.verify('nope')).rejects.toThrow(/not active/);
    expect(v.requests).toBe(1);
    clock += 200;
    answer = () => ({ body: active() });
    expect((await v.verify('nope')).subject).toBe('alice');
    expect(v.requests).toBe(2);
  });

  it('is bounded: past maxEntries the least recently used answer goes', async () => {
    const v = make({ maxEntries: 3 });
    for (const t of ['a', 'b', 'c']) await v.verify(t);
    await v.verify('a'); // a is now the most recently used
    await v.verify('d'); // b goes
    expect(v.cached).toBe(3);
    expect(v.requests).toBe(4);
    await v.verify('a');
    await v.verify('c');
    expect(v.requests).toBe(4);
    await v.verify('b');
    expect(v.requests).toBe(5);
  });

  it('keeps refusals apart: a flood of made-up tokens does not push out an active answer', async () => {
    const v = make({ maxEntries: 10, maxRefused: 5 });
    await v.verify('real');
    answer = () => ({ body: { active: false } });
    for (let i = 0; i < 50; i++) await expect(v.verify(`made-up-${i}`)).rejects.toThrow(/not active/);
    expect(v.cached).toBe(1 + 5);
    const before = v.requests;
    expect((await v.verify('real')).subject).toBe('alice');
    expect(v.requests).toBe(before);
    await expect(v.verify('made-up-49')).rejects.toThrow(/not active/); // still remembered
    await expect(v.verify('made-up-0')).rejects.toThrow(/not active/); // pushed out: asked again
    expect(v.requests).toBe(before + 1);
  });

  it('holds 10,000 answers by default, no more', async () => {
    const v = make({ fetch: (async () => new Response(JSON.stringify(active()), { status: 200 })) as typeof fetch });
    for (let i = 0; i < 10_050; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => v.verify(`token-${i + j}`)));
    expect(v.cached).toBe(10_000);
  });

  it('concurrent checks of one token share one request', async () => {
    answer = () => ({ body: active({ sub: 'shared' }), delayMs: 100 });
    const v = make();
    const all = await Promise.all(Array.from({ length: 20 }, () => v.verify('same')));
    expect(all.every((r) => r.subject === 'shared')).toBe(true);
    expect(v.requests).toBe(1);
    expect(seen).toHaveLength(1);
  });
});

describe('when the endpoint cannot answer: 503 with Retry-After, never cached', () => {
  const unavailable = async (v: ReturnType<typeof make>, token = 'x', reason: RegExp = /./) => {
    const error = (await refusal(v.verify(token))) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(503);
    expect(error.type).toBe('upstream_unavailable');
    expect(error.headers).toEqual({ 'Retry-After': '5' });
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain(endpoint); // the URL may be internal: the operator sees it at start
    return error;
  };

  it.each([
    ['a 500', { status: 500, body: { error: 'server_error' } }, /answered HTTP 500/],
    ['a 401 (our client refused)', { status: 401, body: { error: 'invalid_client' } }, /refused the adapter's client credentials \(HTTP 401\)/],
    ['not JSON', { body: '<html>maintenance</html>' }, /did not answer JSON/],
    ['JSON without a boolean active', { body: { active: 'yes', sub: 'alice' } }, /no boolean "active"/],
    ['an answer over 64 KiB', { body: { active: true, sub: 'alice', pad: 'x'.repeat(70_000) } }, /more than 65536 bytes/],
  ])('%s', async (_name, a, reason) => {
    answer = () => a;
    const v = make();
    await unavailable(v, 'tok-503', reason);
    answer = () => ({ body: active() });
    expect((await v.verify('tok-503')).subject).toBe('alice'); // not cached: asked again
    expect(v.requests).toBe(2);
  });

  it('a connection reset before the answer (a kept-alive socket the server closed) is tried once more', async () => {
    let n = 0;
    answer = () => (++n === 1 ? { body: null, reset: true } : { body: active() });
    const v = make();
    expect((await v.verify('reset-once')).subject).toBe('alice');
    expect(v.requests).toBe(2);
    answer = () => ({ body: null, reset: true });
    await unavailable(v, 'reset-always', /introspection endpoint cannot be reached \((ECONNRESET|UND_ERR_SOCKET)\)/);
    expect(v.requests).toBe(4);
  });

  it('connection refused', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/introspect`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    await unavailable(make({ endpoint: url }), 'x', /^the access token cannot be checked now: the authorization server's introspection endpoint cannot be reached \(ECONNREFUSED\); retry in 5 s$/);
  });

  it('no answer within the timeout', async () => {
    answer = () => ({ body: active(), delayMs: 2_000 });
    const started = Date.now();
    await unavailable(make({ timeoutMs: 200 }), 'slow', /did not answer within 0.2 s/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('past maxInflight requests waiting, a new token gets 503 at once', async () => {
    answer = () => ({ body: active(), delayMs: 200 });
    const v = make({ maxInflight: 2 });
    const first = [v.verify('p1'), v.verify('p2')];
    await unavailable(v, 'p3', /has 2 requests waiting already/);
    await Promise.all(first);
    expect(v.requests).toBe(2);
  });
});

describe('probe (at start)', () => {
  it('passes on a well-formed {"active": false} for a token the server never issued', async () => {
    answer = () => ({ body: { active: false } });
    const v = make();
    await v.probe();
    expect(seen[0]!.form.get('token')).toMatch(/^mcp-actions-probe-/);
  });

  it.each([
    ['client refused', { status: 401, body: { error: 'invalid_client' } }, 'client-refused'],
    ['a 404', { status: 404, body: 'not found' }, 'http'],
    ['an active answer for a made-up token', { body: active() }, 'invalid'],
  ])('%s: IntrospectionError %s', async (_name, a, kind) => {
    answer = () => a;
    const error = await refusal(make().probe());
    expect(error).toBeInstanceOf(IntrospectionError);
    expect((error as IntrospectionError).kind).toBe(kind);
  });
});

describe('routeTokens: JWTs of the issuer locally, anything else introspected', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jwtOf = (iss: string) => `${b64({ alg: 'ES256' })}.${b64({ iss, sub: 'x' })}.sig`;
  const calls: string[] = [];
  const named = (name: string): TokenVerifier => ({ verify: async () => (calls.push(name), { subject: name, scopes: [] }) });
  const route = routeTokens(ISSUER, named('jwt'), named('introspection'));

  it.each([
    ['a JWT of the issuer', jwtOf(ISSUER), 'jwt'],
    ['a JWT of another issuer', jwtOf('https://other.example.com'), 'introspection'],
    ['an opaque token', 'aBcD-opaque_token', 'introspection'],
    ['three dots but no JSON', 'a.b.c', 'introspection'],
    ['a JWE-like five parts', `${jwtOf(ISSUER)}.x.y`, 'introspection'],
  ])('%s → %s', async (_name, token, expected) => {
    expect((await route.verify(token)).subject).toBe(expected);
  });

  it('jwtIssuer reads the unverified iss, nothing else', () => {
    expect(jwtIssuer(jwtOf(ISSUER))).toBe(ISSUER);
    expect(jwtIssuer('opaque')).toBeUndefined();
    expect(jwtIssuer(`${b64({})}.${b64({ iss: 42 })}.s`)).toBeUndefined();
  });
});
