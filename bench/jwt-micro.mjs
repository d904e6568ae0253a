#!/usr/bin/env node
/**
 * Micro-benchmark of `serve --auth oauth`'s token check through dist's createJwtVerifier, the JWKS cached (served
 * on 127.0.0.1, fetched once before measuring): `per-call`, what every call pays (a client sends the same token
 * until it expires: verified once, then remembered) and `first-sight`, a token's first call (jose: signature,
 * iss, aud, exp/nbf, algorithm allowlist). RS256 (the usual issuer default: oidc-provider, Auth0, Okta, Entra ID)
 * and ES256. With `--oauth-introspection` (opaque tokens, introspection.ts): `per-call opaque`, a cached answer,
 * `first-sight opaque`, an introspection request to an endpoint on 127.0.0.1 (TTL 0: every call asks), and
 * `per-call routed RS256`, a remembered JWT through the JWT-or-opaque routing. Best of 3 batches.
 * Usage: node bench/jwt-micro.mjs [--calls N] [--json]
 */
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, json: { type: 'boolean', default: false } } });
const calls = Number(opts.calls);

const { createJwtVerifier } = await import(pathToFileURL(join(root, 'dist', 'adapter', 'identity', 'jwt-verifier.js')).href);
const { createIntrospectionVerifier, routeTokens } = await import(pathToFileURL(join(root, 'dist', 'adapter', 'identity', 'introspection.js')).href);
const { exportJWK, generateKeyPair, SignJWT } = await import('jose');

const keys = [];
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  if (req.url !== '/introspect') return void res.end(JSON.stringify({ keys }));
  req.resume().on('end', () => res.end(JSON.stringify({ active: true, iss: issuer, aud: audience, sub: 'user-0123456789', scope: 'tools:read tools:write', client_id: 'gpt', exp: Math.floor(Date.now() / 1000) + 3600 })));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${server.address().port}`;
const audience = 'https://tools.example.com';

const results = {};
try {
  const tokens = {};
  for (const alg of ['RS256', 'ES256']) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(publicKey)), kid: alg, alg, use: 'sig' });
    tokens[alg] = await new SignJWT({ scope: 'tools:read tools:write', client_id: 'gpt' })
      .setProtectedHeader({ alg, kid: alg, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('user-0123456789')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  }
  // per call: what every call pays (the token was seen before); first sight: a token's first call (jose alone)
  const verifiers = {
    'per-call': createJwtVerifier({ issuer, jwksUri: `${issuer}/jwks`, audience: () => [audience, `${audience}/mcp`] }),
    'first-sight': createJwtVerifier({ issuer, jwksUri: `${issuer}/jwks`, audience: () => [audience, `${audience}/mcp`], maxRemembered: 0 }),
  };
  const introspection = (ttlMs) =>
    createIntrospectionVerifier({ endpoint: `${issuer}/introspect`, clientId: 'mcp-actions', clientSecret: 'secret', issuer, audience: () => [audience, `${audience}/mcp`], ttlMs });
  const opaqueToken = { opaque: 'Vq3xZ8pQ-opaque-access-token-0123456789abcdefghij' };
  const runs = [
    ['per-call', verifiers['per-call'], tokens],
    ['first-sight', verifiers['first-sight'], tokens],
    ['per-call', introspection(60_000), opaqueToken],
    ['first-sight', introspection(0), opaqueToken],
    ['per-call routed', routeTokens(issuer, verifiers['per-call'], introspection(60_000)), { RS256: tokens.RS256 }],
  ];
  for (const [mode, verifier, tokenSet] of runs) {
    await verifier.keys?.load();
    const n = mode === 'first-sight' ? Math.max(1, Math.floor(calls / 10)) : calls;
    for (const [alg, token] of Object.entries(tokenSet)) {
      for (let i = 0; i < Math.min(2000, n); i++) await verifier.verify(token);
      let bestWall = Infinity;
      let bestCpu = Infinity;
      for (let batch = 0; batch < 3; batch++) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await verifier.verify(token);
        const wallUs = ((performance.now() - t0) * 1000) / n;
        const { user, system } = process.cpuUsage(cpu0);
        bestWall = Math.min(bestWall, wallUs);
        bestCpu = Math.min(bestCpu, (user + system) / n);
      }
      results[`${mode} ${alg}`] = { us: bestWall, cpuUs: bestCpu, calls: n, fetches: verifier.keys?.fetches ?? verifier.requests ?? verifiers['per-call'].keys.fetches };
    }
  }
} finally {
  server.close();
}

if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
else {
  for (const [name, r] of Object.entries(results)) {
    const fetched = name.includes('opaque') ? `introspected ${r.fetches ?? 0}×` : `JWKS fetched ${r.fetches}×`;
    process.stdout.write(`${name.padEnd(21)} ${r.us.toFixed(1).padStart(6)} µs per verify (CPU ${r.cpuUs.toFixed(1)} µs; best of 3 × ${r.calls}; ${fetched})\n`);
  }
}
