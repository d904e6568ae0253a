/**
 * `serve --auth oauth --oauth-introspection` (the built CLI) against a real authorization server whose access
 * tokens are opaque: oidc-provider with RFC 7662 introspection, the adapter authenticating to it as a client of its
 * own (client_secret_basic, from MCP_ACTIONS_OAUTH_CLIENT_ID/_SECRET). A ChatGPT-style authorization-code flow
 * yields an opaque token that calls tools on both faces; a revoked one is refused once the cached answer is older
 * than --oauth-introspection-ttl; with the authorization server gone a token it vouched for recently keeps working
 * and a new one gets 503 + Retry-After (not a 401 that would sign the user out); wrong client credentials or
 * missing ones are exit 2 at start with one line. Against our own issuer (JWKS and an introspection endpoint):
 * JWTs of the issuer are still verified locally, opaque tokens introspected, with the credentials in the body
 * when the metadata lists only client_secret_post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { chatgptClient, startOidcProvider, startOwnIssuer, type OwnIssuer, type TestAuthorizationServer, type TestClient } from '../helpers/oidc.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { openSession, serveCli, type Served } from './mcp-face-helpers.js';
import { callTool, request } from './serve-helpers.js';

const MARK = 'oauth-introspection-e2e';
const FIXTURE = 'fixtures/servers/per-user.mjs';
const TTL_S = 3;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const GPT = chatgptClient('gpt', 'gpt-secret-0123456789abcdef');
/** The adapter's own client: it only introspects. */
const RS: TestClient = { client_id: 'mcp-actions', client_secret: 'rs-secret-0123456789abcdef', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
const credentials = { MCP_ACTIONS_OAUTH_CLIENT_ID: RS.client_id, MCP_ACTIONS_OAUTH_CLIENT_SECRET: RS.client_secret! };
let as: TestAuthorizationServer;
let served: Served;
let url: string;

const signIn = async (user: string) => (await as.authorizationCode({ user, clientId: GPT.client_id })).access_token;
const users = async () => (await request(`${url}/readyz`)).body.users as number;

beforeAll(async () => {
  as = await startOidcProvider({ clients: [GPT, RS], resourceScopes: ['tools:read', 'tools:write'], accessTokenFormat: 'opaque', acceptResource: (r) => r.startsWith('http://127.0.0.1:') });
  served = await serveCli(
    ['--auth', 'oauth', '--oauth-issuer', as.issuer, '--oauth-introspection', '--oauth-introspection-ttl', String(TTL_S), '--oauth-read-scope', 'tools:read', '--per-user', '--user-env', 'ECHO_USER={user}'],
    [process.execPath, FIXTURE],
    { [MARK_VAR]: MARK, ...credentials },
  );
  url = served.url;
  as.setDefaultResource(url); // ChatGPT names no resource: the token is for the adapter's URL
});

afterAll(async () => {
  await served?.stop();
  await as?.close();
  expect(await leftoverProcesses([MARK])).toEqual([]);
});

describe('opaque tokens through introspection', () => {
  it('an opaque token from the code flow calls tools on the REST face and /mcp', async () => {
    const token = await signIn('alice');
    expect(token).not.toContain('.'); // not a JWT: only introspection can tell whose it is
    const a = await callTool(url, 'whoami', {}, bearer(token));
    expect(a.status, a.text).toBe(200);
    expect(a.body.env.ECHO_USER).toBe('alice');
    expect((await callTool(url, 'whoami', {}, bearer(token))).body.pid).toBe(a.body.pid);
    expect(await openSession(`${url}/mcp`, bearer(token))).toBeTruthy();
    expect(served.stderr()).not.toContain(token);
    expect(served.stderr()).toContain(`auth: oauth (issuer ${as.issuer}, opaque tokens: ${as.issuer}/token/introspection)`);
  });

  it('a token revoked before its first use is 401 invalid_token at once, and starts nothing', async () => {
    const before = await users();
    const token = await signIn('mallory');
    await as.revoke(token, { clientId: GPT.client_id });
    const res = await callTool(url, 'whoami', {}, bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="the token is not active (expired, revoked or unknown to the authorization server)", resource_metadata="${url}/.well-known/oauth-protected-resource"`,
    );
    expect(await users()).toBe(before);
  });

  it(`a token revoked after use keeps working while its answer is cached (--oauth-introspection-ttl ${TTL_S}), then 401`, async () => {
    const token = await signIn('bob');
    expect((await callTool(url, 'whoami', {}, bearer(token))).status).toBe(200);
    await as.revoke(token, { clientId: GPT.client_id });
    expect((await callTool(url, 'whoami', {}, bearer(token))).status).toBe(200); // the answer of a moment ago
    await new Promise((r) => setTimeout(r, TTL_S * 1000 + 300));
    const res = await callTool(url, 'whoami', {}, bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error_description="the token is not active');
  });

  it('a token without the read scope is 403 insufficient_scope (scopes come from the introspection answer)', async () => {
    const token = (await as.authorizationCode({ user: 'carol', clientId: GPT.client_id, scope: 'tools:write' })).access_token;
    const res = await callTool(url, 'whoami', {}, bearer(token));
    expect(res.status).toBe(403);
    expect(res.body.error.type).toBe('insufficient_scope');
  });
});

describe('the authorization server goes away while serving', () => {
  it('a token it vouched for within the TTL keeps working; a new token gets 503 + Retry-After, not 401', async () => {
    const fresh = await signIn('dave'); // issued, never shown to the adapter
    const known = await signIn('erin');
    expect((await callTool(url, 'whoami', {}, bearer(known))).status).toBe(200);
    await as.close();
    const still = await callTool(url, 'whoami', {}, bearer(known));
    expect(still.status, still.text).toBe(200);
    expect(still.body.env.ECHO_USER).toBe('erin');
    const before = await users();
    const res = await callTool(url, 'whoami', {}, bearer(fresh));
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.body.error.type).toBe('upstream_unavailable');
    expect(res.body.error.message).toMatch(/^the access token cannot be checked now: the authorization server's introspection endpoint cannot be reached \(ECONNREFUSED\); retry in 5 s$/);
    const mcp = await request(`${url}/mcp`, { method: 'POST', json: { jsonrpc: '2.0', id: 1, method: 'ping' }, headers: { ...bearer(fresh), accept: 'application/json, text/event-stream' } });
    expect(mcp.status).toBe(503);
    expect(mcp.headers.get('retry-after')).toBe('5');
    expect(await users()).toBe(before);
  });
});

describe('JWTs and opaque tokens together (our own issuer: JWKS and an introspection endpoint)', () => {
  let own: OwnIssuer;
  let mixed: Served;
  beforeAll(async () => {
    own = await startOwnIssuer({ introspection: { clientId: RS.client_id, clientSecret: RS.client_secret!, authMethods: ['client_secret_post', 'private_key_jwt'] } });
    mixed = await serveCli(['--auth', 'oauth', '--oauth-issuer', own.issuer, '--oauth-introspection', '--per-user', '--user-env', 'ECHO_USER={user}'], [process.execPath, FIXTURE], { [MARK_VAR]: MARK, ...credentials });
  });
  afterAll(async () => {
    await mixed?.stop();
    await own?.close();
  });

  it('client_secret_post from the metadata: the start-up probe sent id and secret in the body, no Basic header', () => {
    expect(own.introspections).toHaveLength(1);
    expect(own.introspections[0]!.authorization).toBeUndefined();
    expect(own.introspections[0]!.form).toMatchObject({ client_id: RS.client_id, client_secret: RS.client_secret, token_type_hint: 'access_token' });
    expect(own.introspections[0]!.form.token).toMatch(/^mcp-actions-probe-/);
  });

  it('a JWT of the issuer is verified locally (no introspection), an opaque token is introspected', async () => {
    const before = own.introspections.length;
    const jwt = await own.sign({ sub: 'jwt-user' }, { audience: mixed.url });
    const a = await callTool(mixed.url, 'whoami', {}, bearer(jwt));
    expect(a.status, a.text).toBe(200);
    expect(a.body.env.ECHO_USER).toBe('jwt-user');
    const expired = await own.sign({ sub: 'late', exp: Math.floor(Date.now() / 1000) - 3600 }, { audience: mixed.url });
    const refused = await callTool(mixed.url, 'whoami', {}, bearer(expired));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error_description="the token has expired"');
    expect(own.introspections.length).toBe(before); // neither JWT was sent to the introspection endpoint
    const opaque = own.issueOpaque({ sub: 'opaque-user', aud: mixed.url, scope: 'tools:read' });
    const b = await callTool(mixed.url, 'whoami', {}, bearer(opaque));
    expect(b.status, b.text).toBe(200);
    expect(b.body.env.ECHO_USER).toBe('opaque-user');
    expect(own.introspections.map((r) => r.form.token).slice(before)).toEqual([opaque]);
  });

  it('an opaque token for another resource (aud) or without a subject: 401 saying which', async () => {
    const elsewhere = own.issueOpaque({ sub: 'x', aud: 'https://elsewhere.example.com' });
    expect((await callTool(mixed.url, 'whoami', {}, bearer(elsewhere))).headers.get('www-authenticate')).toContain('error_description="the token is meant for another resource (aud)"');
    const nobody = own.issueOpaque({ aud: mixed.url });
    const res = await callTool(mixed.url, 'whoami', {}, bearer(nobody));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error_description="the introspection answer has no subject (sub): the authorization server must name the token\'s user"');
  });
});

describe('at start', () => {
  let other: TestAuthorizationServer;
  beforeAll(async () => {
    other = await startOidcProvider({ clients: [GPT, RS] });
  });
  afterAll(async () => {
    await other?.close();
  });

  it('a wrong client secret: exit 2, one line saying what to fix, nothing started', async () => {
    const r = await runCli(['serve', '--port', '0', '--auth', 'oauth', '--oauth-issuer', other.issuer, '--oauth-introspection', '--', process.execPath, FIXTURE], {
      mark: MARK,
      env: { ...credentials, MCP_ACTIONS_OAUTH_CLIENT_SECRET: 'wrong' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `mcp-actions: the introspection endpoint ${other.issuer}/token/introspection refused the adapter's client credentials (HTTP 401); check MCP_ACTIONS_OAUTH_CLIENT_ID and MCP_ACTIONS_OAUTH_CLIENT_SECRET: a client registered at ${other.issuer} that may introspect tokens`,
    ]);
    expect(r.stdout).toBe('');
  });

  it('no client credentials: exit 2 naming the variables, before any request', async () => {
    const r = await runCli(['serve', '--port', '0', '--auth', 'oauth', '--oauth-issuer', other.issuer, '--oauth-introspection', '--', process.execPath, FIXTURE], {
      mark: MARK,
      env: { MCP_ACTIONS_OAUTH_CLIENT_ID: undefined, MCP_ACTIONS_OAUTH_CLIENT_SECRET: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'mcp-actions: --oauth-introspection needs the adapter\'s client credentials: MCP_ACTIONS_OAUTH_CLIENT_ID and MCP_ACTIONS_OAUTH_CLIENT_SECRET are not set; set MCP_ACTIONS_OAUTH_CLIENT_ID and MCP_ACTIONS_OAUTH_CLIENT_SECRET to the id and secret of a client registered for the adapter at the authorization server',
    ]);
  });

  it('an issuer whose metadata names no introspection_endpoint, or only client authentication methods we lack: exit 2', async () => {
    const none = await startOwnIssuer();
    const jwtOnly = await startOwnIssuer({ introspection: { clientId: RS.client_id, clientSecret: RS.client_secret!, authMethods: ['private_key_jwt', 'tls_client_auth'] } });
    try {
      const [a, b] = await Promise.all([none, jwtOnly].map((issuer) =>
        runCli(['serve', '--port', '0', '--auth', 'oauth', '--oauth-issuer', issuer.issuer, '--oauth-introspection', '--', process.execPath, FIXTURE], { mark: MARK, env: credentials })));
      expect(a!.code).toBe(2);
      expect(a!.stderr.trim().split('\n')).toEqual([`mcp-actions: the issuer ${none.issuer} names no introspection_endpoint in its metadata; pass the endpoint with --oauth-introspection-url https://…`]);
      expect(b!.code).toBe(2);
      expect(b!.stderr.trim().split('\n')).toEqual([
        `mcp-actions: the issuer ${jwtOnly.issuer}'s introspection endpoint accepts only private_key_jwt, tls_client_auth; mcp-actions authenticates with a client secret (client_secret_basic or client_secret_post): allow one of them for its client`,
      ]);
      expect(jwtOnly.introspections).toEqual([]); // refused before sending the credentials anywhere
    } finally {
      await none.close();
      await jwtOnly.close();
    }
  });

  it('an introspection URL that is not an introspection endpoint: exit 2', async () => {
    const r = await runCli(['serve', '--port', '0', '--auth', 'oauth', '--oauth-issuer', other.issuer, '--oauth-introspection-url', `${other.issuer}/nowhere`, '--', process.execPath, FIXTURE], { mark: MARK, env: credentials });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `mcp-actions: the introspection endpoint ${other.issuer}/nowhere answered HTTP 404; check --oauth-introspection-url: it must be the authorization server's RFC 7662 introspection endpoint`,
    ]);
  });
});
