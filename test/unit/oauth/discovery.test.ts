import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, formatError } from '../../../src/errors.js';
import { OAuthDiscoveryError, checkIssuerUrl, discoverAuthorizationServer, metadataUrls } from '../../../src/oauth/discovery.js';

type Route = (req: IncomingMessage, res: ServerResponse, base: string) => void;

/** A tiny HTTP fixture on 127.0.0.1:0 whose answers are set per path by each test; it records the paths asked. */
async function startFixture(): Promise<{ base: string; routes: Map<string, Route>; asked: string[]; server: Server }> {
  const routes = new Map<string, Route>();
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const route = routes.get(req.url ?? '');
    if (route) return route(req, res, base);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, routes, asked, server };
}

const json = (body: unknown, status = 200): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

let fx: Awaited<ReturnType<typeof startFixture>>;
let other: Awaited<ReturnType<typeof startFixture>>;
beforeAll(async () => {
  fx = await startFixture();
  other = await startFixture();
});
afterAll(async () => {
  for (const f of [fx, other]) {
    f.server.closeAllConnections();
    await new Promise((r) => f.server.close(r));
  }
});

function reset(): void {
  fx.routes.clear();
  fx.asked.length = 0;
}

async function failure(promise: Promise<unknown>): Promise<OAuthDiscoveryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OAuthDiscoveryError);
  const e = error as OAuthDiscoveryError;
  expect(e.exitCode).toBe(2);
  expect(formatError(e)).not.toContain('\n');
  return e;
}

describe('checkIssuerUrl', () => {
  const table: [string, string | null][] = [
    ['https://auth.example.com', null],
    ['https://auth.example.com/realms/demo', null],
    ['http://127.0.0.1:8080', null],
    ['http://localhost:8080/issuer', null],
    ['http://[::1]:8080', null],
    ['http://auth.example.com', 'is not https'],
    ['http://10.0.0.1', 'is not https'],
    ['ftp://auth.example.com', 'is not an https URL'],
    ['auth.example.com', 'is not a URL'],
    ['https://user:pw@auth.example.com', 'carries credentials'],
    ['https://auth.example.com/?tenant=a', 'has a query or fragment'],
    ['https://auth.example.com/#x', 'has a query or fragment'],
  ];
  it.each(table)('%s', (issuer, problem) => {
    if (problem === null) {
      expect(checkIssuerUrl(issuer)).toBeInstanceOf(URL);
      return;
    }
    let error: unknown;
    try {
      checkIssuerUrl(issuer);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toContain(problem);
    expect((error as ConfigError).hint).toBeTruthy();
  });
});

describe('metadataUrls', () => {
  it.each([
    ['https://as.example.com', 'https://as.example.com/.well-known/oauth-authorization-server', 'https://as.example.com/.well-known/openid-configuration'],
    ['https://as.example.com/', 'https://as.example.com/.well-known/oauth-authorization-server', 'https://as.example.com/.well-known/openid-configuration'],
    ['https://as.example.com/realms/x', 'https://as.example.com/.well-known/oauth-authorization-server/realms/x', 'https://as.example.com/realms/x/.well-known/openid-configuration'],
    ['https://as.example.com/tenant/', 'https://as.example.com/.well-known/oauth-authorization-server/tenant', 'https://as.example.com/tenant/.well-known/openid-configuration'],
  ])('%s', (issuer, rfc8414, oidc) => {
    expect(metadataUrls(issuer)).toEqual([rfc8414, oidc]);
  });
});

describe('discoverAuthorizationServer', () => {
  it('takes the RFC 8414 document first, with the path after the well-known part', async () => {
    reset();
    const issuer = `${fx.base}/tenant`;
    fx.routes.set('/.well-known/oauth-authorization-server/tenant', json({ issuer, jwks_uri: `${fx.base}/jwks`, scopes_supported: ['read'] }));
    fx.routes.set('/tenant/.well-known/openid-configuration', json({ issuer, jwks_uri: `${fx.base}/other` }));
    const md = await discoverAuthorizationServer(issuer);
    expect(md.jwks_uri).toBe(`${fx.base}/jwks`);
    expect(md.scopes_supported).toEqual(['read']);
    expect(fx.asked).toEqual(['/.well-known/oauth-authorization-server/tenant']);
  });

  it('falls back to OpenID Connect discovery on a 404', async () => {
    reset();
    const issuer = `${fx.base}/realms/demo`;
    fx.routes.set('/realms/demo/.well-known/openid-configuration', json({ issuer, token_endpoint: `${fx.base}/token` }));
    const md = await discoverAuthorizationServer(issuer);
    expect(md.token_endpoint).toBe(`${fx.base}/token`);
    expect(fx.asked).toEqual(['/.well-known/oauth-authorization-server/realms/demo', '/realms/demo/.well-known/openid-configuration']);
  });

  it('falls back when the first URL answers HTML (a single-page app answering every path)', async () => {
    reset();
    const issuer = fx.base;
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    fx.routes.set('/.well-known/openid-configuration', json({ issuer }));
    expect((await discoverAuthorizationServer(issuer)).issuer).toBe(issuer);
  });

  it('404 on both: one line naming both URLs and the fix', async () => {
    reset();
    const e = await failure(discoverAuthorizationServer(fx.base));
    expect(e.kind).toBe('not-found');
    expect(formatError(e)).toBe(
      `no authorization server metadata at ${fx.base}/.well-known/oauth-authorization-server (HTTP 404) nor at ${fx.base}/.well-known/openid-configuration (HTTP 404); ` +
        `check --oauth-issuer "${fx.base}": the issuer is the URL the authorization server puts in its tokens' "iss", e.g. --oauth-issuer https://auth.example.com`,
    );
  });

  it('non-JSON on both names the content type', async () => {
    reset();
    const html: Route = (_q, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html>');
    fx.routes.set('/.well-known/oauth-authorization-server', html);
    fx.routes.set('/.well-known/openid-configuration', html);
    const e = await failure(discoverAuthorizationServer(fx.base));
    expect(e.message).toContain(`${fx.base}/.well-known/openid-configuration (not JSON: text/html)`);
  });

  it('refuses a document naming another issuer (RFC 8414 §3.3), even with a trailing slash', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', json({ issuer: `${fx.base}/`, jwks_uri: `${fx.base}/jwks` }));
    const e = await failure(discoverAuthorizationServer(fx.base));
    expect(e.kind).toBe('issuer-mismatch');
    expect(formatError(e)).toBe(
      `the metadata at ${fx.base}/.well-known/oauth-authorization-server names "${fx.base}/", not the configured issuer "${fx.base}" (RFC 8414 §3.3); if that server is yours, pass --oauth-issuer ${fx.base}/ exactly`,
    );
  });

  it('refuses a document without issuer, a JSON array, bad endpoint and list types', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', json({ jwks_uri: 'x' }));
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('names no issuer');
    fx.routes.set('/.well-known/oauth-authorization-server', json([1]));
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('did not answer a JSON object');
    fx.routes.set('/.well-known/oauth-authorization-server', json({ issuer: fx.base, jwks_uri: 'http://evil.example.com/jwks' }));
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('unusable jwks_uri');
    fx.routes.set('/.well-known/oauth-authorization-server', json({ issuer: fx.base, token_endpoint: 42 }));
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('unusable token_endpoint');
    fx.routes.set('/.well-known/oauth-authorization-server', json({ issuer: fx.base, scopes_supported: 'read write' }));
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('scopes_supported that is not a list of strings');
  });

  it('unreachable: names the URL and the cause', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const e = await failure(discoverAuthorizationServer(`http://127.0.0.1:${port}`));
    expect(e.kind).toBe('unreachable');
    expect(formatError(e)).toBe(
      `cannot reach http://127.0.0.1:${port}/.well-known/oauth-authorization-server (ECONNREFUSED); check --oauth-issuer and that the authorization server is up and reachable from here`,
    );
  });

  it('times out a server that never answers', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', () => undefined); // hangs
    const e = await failure(discoverAuthorizationServer(fx.base, { timeoutMs: 200 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe(`no answer from ${fx.base}/.well-known/oauth-authorization-server within 0.2 s`);
  });

  it('times out a body that trickles forever', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"issuer":');
    });
    expect((await failure(discoverAuthorizationServer(fx.base, { timeoutMs: 200 }))).kind).toBe('timeout');
  });

  it('caps the size: declared and streamed', async () => {
    reset();
    const big = JSON.stringify({ issuer: fx.base, pad: 'x'.repeat(300 * 1024) });
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big));
    const declared = await failure(discoverAuthorizationServer(fx.base));
    expect(declared.kind).toBe('too-large');
    expect(declared.message).toContain('more than 256 kB');
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      res.write(big.slice(0, 100_000));
      res.write(big.slice(100_000, 200_000));
      res.end(big.slice(200_000));
    });
    expect((await failure(discoverAuthorizationServer(fx.base))).kind).toBe('too-large');
    expect((await failure(discoverAuthorizationServer(fx.base, { maxBytes: 1000 }))).message).toContain('more than 1 kB');
  });

  it('follows a redirect on the same origin, never to another host', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => res.writeHead(301, { location: '/moved' }).end());
    fx.routes.set('/moved', json({ issuer: fx.base }));
    expect((await discoverAuthorizationServer(fx.base)).issuer).toBe(fx.base);

    other.routes.set('/.well-known/openid-configuration', json({ issuer: fx.base }));
    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => res.writeHead(302, { location: `${other.base}/.well-known/openid-configuration` }).end());
    const e = await failure(discoverAuthorizationServer(fx.base));
    expect(e.kind).toBe('redirect');
    expect(e.message).toBe(`${fx.base}/.well-known/oauth-authorization-server redirects to another host (${other.base}), which discovery does not follow`);
    expect(other.asked).toEqual([]);

    fx.routes.set('/.well-known/oauth-authorization-server', (_q, res) => res.writeHead(302, { location: '/.well-known/oauth-authorization-server' }).end());
    expect((await failure(discoverAuthorizationServer(fx.base))).message).toContain('redirects more than 3 times');
  });

  it('stops when the caller aborts', async () => {
    reset();
    fx.routes.set('/.well-known/oauth-authorization-server', () => undefined);
    const controller = new AbortController();
    const pending = discoverAuthorizationServer(fx.base, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const fake: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ issuer: 'https://as.example.com' }), { headers: { 'content-type': 'application/json' } });
    };
    expect((await discoverAuthorizationServer('https://as.example.com', { fetch: fake })).issuer).toBe('https://as.example.com');
    expect(seen).toEqual(['https://as.example.com/.well-known/oauth-authorization-server']);
  });

  it('refuses an unusable issuer before any request', async () => {
    await expect(discoverAuthorizationServer('http://auth.example.com')).rejects.toBeInstanceOf(ConfigError);
  });
});
