/**
 * `serve --auth oauth --per-user` (the built CLI) against tokens no honest authorization server mints: signed with
 * our own key pair, served as the issuer's JWKS (test/helpers/oidc.ts). Each is a 401 (a 431 for a 100 kB token) that
 * says what was wrong, and never starts an upstream. A flood of unknown kids does not make the JWKS fetch over and
 * over; with the issuer gone, tokens signed with keys already held keep working and a new kid is refused; an
 * issuer unreachable at start is exit 2 with one line.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { runCli } from '../helpers/cli.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { serveCli, type Served } from './mcp-face-helpers.js';
import { startOwnIssuer, type OwnIssuer } from '../helpers/oidc.js';
import { callTool, freePort, request } from './serve-helpers.js';

const MARK = 'oauth-bad-input-e2e';
const FIXTURE = 'fixtures/servers/per-user.mjs';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
let own: OwnIssuer;
let served: Served;
let url: string;
const users = async () => (await request(`${url}/readyz`)).body.users as number;

beforeAll(async () => {
  own = await startOwnIssuer();
  served = await serveCli(['--auth', 'oauth', '--oauth-issuer', own.issuer, '--per-user', '--user-env', 'ECHO_USER={user}'], [process.execPath, FIXTURE], { [MARK_VAR]: MARK });
  url = served.url;
});

afterAll(async () => {
  await served?.stop();
  await own?.close();
  expect(await leftoverProcesses([MARK])).toEqual([]);
});

const good = (claims: Record<string, unknown> = {}) => own.sign(claims, { audience: url });

describe('tokens that must be refused', () => {
  // [name, token, error_description]
  const table: [string, () => Promise<string>, RegExp][] = [
    ['expired an hour ago', () => good({ exp: now() - 3600 }), /the token has expired/],
    ['expired beyond the clock tolerance (2 min)', () => good({ exp: now() - 120 }), /the token has expired/],
    ['not valid for another hour (nbf)', () => good({ nbf: now() + 3600 }), /the token is not valid yet \(nbf\)/],
    ['from another issuer', () => good({ iss: 'http://127.0.0.1:9/other' }), /issued by another authorization server \(iss\)/],
    ['for another audience', () => good({ aud: 'https://elsewhere.example.com' }), /meant for another resource \(aud\)/],
    ['without a subject', () => good({ sub: '' }), /no subject/],
    ['with a bad signature', async () => { const a = await good(); const b = await good({ sub: 'mallory' }); return `${b.slice(0, b.lastIndexOf('.'))}${a.slice(a.lastIndexOf('.'))}`; }, /signature is not valid/],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: own.issuer, aud: url, sub: 'mallory', exp: now() + 600 })}.`, /algorithm this server does not accept/],
    ['HS256 signed with the public key', async () => {
      const pem = createPublicKey({ key: own.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return new SignJWT({ scope: 'tools:read' }).setProtectedHeader({ alg: 'HS256', kid: 'own-1' }).setIssuer(own.issuer).setAudience(url).setSubject('mallory').setExpirationTime('10m').sign(new TextEncoder().encode(String(pem)));
    }, /algorithm this server does not accept/],
    ['signed with an unknown key', () => own.sign({}, { audience: url, kid: 'not-published' }), /key the authorization server does not publish/],
    ['not a JWT', async () => 'opaque-token-0123456789', /not a valid JWT/],
    ['a 12 kB JWT-shaped token', async () => `${b64({ alg: 'ES256', kid: 'own-1' })}.${'A'.repeat(12_000)}.${'B'.repeat(86)}`, /not a valid JWT|signature is not valid/],
  ];

  it.each(table)('%s: 401 invalid_token, nothing started', async (_name, make, description) => {
    const token = await make();
    const res = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${token}` });
    expect(res.status, res.text).toBe(401);
    expect(res.body.error.type).toBe('unauthorized');
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource"$/);
    expect(/error_description="([^"]+)"/.exec(challenge)![1]).toMatch(description);
    expect(await users()).toBe(0);
  });

  it('a token a little past exp, within the clock tolerance, is accepted (the control row: the setup works)', async () => {
    const res = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${await good({ exp: now() - 5 })}` });
    expect(res.status, res.text).toBe(200);
    expect(res.body.env.ECHO_USER).toBe('own-user');
  });

  it('a 100 kB token: 431 from the HTTP layer, before any check', async () => {
    const before = await users();
    const res = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${'A'.repeat(100_000)}` });
    expect(res.status).toBe(431);
    expect(res.body.error.type).toBe('headers_too_large');
    expect(await users()).toBe(before);
  });

  it('a valid token in the query string: 401 invalid_request, also on /mcp', async () => {
    const token = await good({ sub: 'query-user' });
    const rest = await request(`${url}/tools/whoami?access_token=${token}`, { method: 'POST', json: {} });
    expect(rest.status).toBe(401);
    expect(rest.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request", error_description="token in the query string"/);
    const mcp = await request(`${url}/mcp?access_token=${token}`, { method: 'POST', json: { jsonrpc: '2.0', id: 1, method: 'ping' }, headers: { accept: 'application/json, text/event-stream' } });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('a flood of unknown kids does not make the JWKS fetch again and again', async () => {
    const before = own.jwksHits;
    for (let i = 0; i < 40; i++) {
      const res = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${await own.sign({}, { audience: url, kid: randomUUID() })}` });
      expect(res.status).toBe(401);
    }
    expect(own.jwksHits - before).toBeLessThanOrEqual(1);
  });
});

describe('the issuer goes away while serving', () => {
  it('tokens signed with keys already held keep working; a token with a new kid is 401', async () => {
    const sign2 = await own.rotate(); // a key the adapter has never seen
    await own.close();
    const res = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${await good({ sub: 'still-here' })}` });
    expect(res.status, res.text).toBe(200);
    const fresh = await callTool(url, 'whoami', {}, { Authorization: `Bearer ${await sign2({ sub: 'new-kid' }, url)}` });
    expect(fresh.status).toBe(401);
    expect(fresh.headers.get('www-authenticate')).toContain('key the authorization server does not publish');
  });
});

describe('an issuer unreachable at start', () => {
  it('exits 2 with one line saying what to fix, having started nothing', async () => {
    const port = await freePort();
    const r = await runCli(['serve', '--port', '0', '--auth', 'oauth', '--oauth-issuer', `http://127.0.0.1:${port}`, '--', process.execPath, FIXTURE], { mark: MARK });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`mcp-actions: cannot reach http://127.0.0.1:${port}/.well-known/oauth-authorization-server (ECONNREFUSED); check --oauth-issuer and that the authorization server is up and reachable from here`);
    expect(r.stdout).toBe('');
  });
});
