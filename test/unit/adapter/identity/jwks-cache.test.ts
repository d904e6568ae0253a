/**
 * The JWKS cache behind `serve --auth oauth`, against a real HTTP server on 127.0.0.1 and a clock the test moves:
 * unknown kids refetch at most once per cooldown (counted from the last attempt, failed ones too), a rotated key is
 * picked up, a stale set is kept when the issuer is down, and the document is bounded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache } from '../../../../src/adapter/identity/jwks-cache.js';
import { createJwtVerifier } from '../../../../src/adapter/identity/jwt-verifier.js';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let server: Server;
let url: string;
let hits = 0;
let mode: 'ok' | 'down' | 'huge' | 'not-json' = 'ok';
const published: JWK[] = [];
const privateKeys = new Map<string, Key>();

async function addKey(kid: string): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  published.push({ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' });
  privateKeys.set(kid, privateKey);
}

const ISSUER = 'https://issuer.example.com';
const AUD = 'https://tools.example.com';
const sign = (kid: string, key = privateKeys.get(kid)!) =>
  new SignJWT({ scope: 'a' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(ISSUER).setAudience(AUD).setSubject('alice').setIssuedAt().setExpirationTime('10m').sign(key);

beforeAll(async () => {
  await addKey('k1');
  server = createServer((_req, res) => {
    hits++;
    if (mode === 'down') return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (mode === 'huge') return void res.end(JSON.stringify({ keys: [], pad: 'x'.repeat(600_000) }));
    if (mode === 'not-json') return void res.end('<html>');
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createJwtVerifier: remembered tokens', () => {
  it('checks a token once, remembers it until its exp (+ tolerance), then checks it again', async () => {
    let now = Date.now();
    const verifier = createJwtVerifier({ issuer: ISSUER, jwksUri: url, audience: AUD, now: () => now, maxRemembered: 2 });
    await verifier.keys.load();
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUD).setSubject('bob').setExpirationTime(Math.floor(now / 1000) + 60).sign(privateKeys.get('k1')!);
    expect((await verifier.verify(token)).subject).toBe('bob');
    now += 80_000; // past exp, within the 30 s tolerance: still good
    expect((await verifier.verify(token)).subject).toBe('bob');
    now += 20_000; // past exp + tolerance: checked again, and refused
    await expect(verifier.verify(token)).rejects.toThrow('the token has expired');
  });

  it('remembers only tokens that verified', async () => {
    const verifier = createJwtVerifier({ issuer: ISSUER, jwksUri: url, audience: 'https://other.example.com' });
    await verifier.keys.load();
    const token = await sign('k1');
    await expect(verifier.verify(token)).rejects.toThrow('(aud)');
    await expect(verifier.verify(token)).rejects.toThrow('(aud)');
  });
});

describe('createJwksCache', () => {
  it('a flood of unknown kids costs one fetch per cooldown; a rotated key is picked up after it', async () => {
    let now = 1_000_000;
    const verifier = createJwtVerifier({ issuer: ISSUER, jwksUri: url, audience: AUD, now: () => now, cooldownMs: 30_000 });
    hits = 0;
    await verifier.keys.load();
    expect((await verifier.verify(await sign('k1'))).subject).toBe('alice');
    const { privateKey: stranger } = await generateKeyPair('ES256');
    const flood = await Promise.all(Array.from({ length: 50 }, (_, i) => sign(`made-up-${i}`, stranger)));
    for (const token of flood) await expect(verifier.verify(token)).rejects.toThrow(/key the authorization server does not publish/);
    expect(hits).toBe(1); // within the cooldown of the start-up fetch: none at all
    now += 31_000;
    for (const token of flood) await expect(verifier.verify(token)).rejects.toThrow();
    expect(hits).toBe(2); // one refetch for the whole flood
    await addKey('k2'); // the issuer rotates
    const rotated = await sign('k2');
    await expect(verifier.verify(rotated)).rejects.toThrow(); // still cooling down
    now += 31_000;
    expect((await verifier.verify(rotated)).subject).toBe('alice');
    expect(hits).toBe(3);
  });

  it('keeps serving the keys it holds when the issuer goes down, and retries it once per cooldown', async () => {
    let now = 5_000_000;
    const cache = createJwksCache({ url, now: () => now, cooldownMs: 30_000, maxAgeMs: 600_000 });
    hits = 0;
    await cache.load();
    mode = 'down';
    try {
      now += 700_000; // stale: a refresh is tried, fails, and the held keys stay in use
      const header = { alg: 'ES256', kid: 'k1' };
      await expect(cache.getKey(header, { payload: '', signature: '' } as never)).resolves.toBeDefined();
      expect(hits).toBe(2);
      await expect(cache.getKey(header, { payload: '', signature: '' } as never)).resolves.toBeDefined();
      expect(hits).toBe(2); // the failed attempt counts for the cooldown
      await expect(cache.getKey({ alg: 'ES256', kid: 'nope' }, { payload: '', signature: '' } as never)).rejects.toThrow();
      expect(hits).toBe(2);
    } finally {
      mode = 'ok';
    }
  });

  it.each([
    ['huge', /larger than 524288 bytes/],
    ['not-json', /is not JSON/],
    ['down', /answered HTTP 503/],
  ] as const)('refuses a JWKS that is %s', async (m, message) => {
    mode = m;
    try {
      await expect(createJwksCache({ url }).load()).rejects.toThrow(message);
    } finally {
      mode = 'ok';
    }
  });

  it('says what is wrong when the JWKS cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(createJwksCache({ url: `http://127.0.0.1:${port}/jwks` }).load()).rejects.toThrow(`cannot fetch the JWKS at http://127.0.0.1:${port}/jwks: ECONNREFUSED`);
  });
});
