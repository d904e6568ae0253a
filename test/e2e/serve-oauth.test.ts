/**
 * `serve --auth oauth` against a real authorization server (oidc-provider on 127.0.0.1): the built CLI discovers
 * the issuer, publishes RFC 9728 metadata, answers 401 with `resource_metadata`, accepts the JWT access tokens a
 * ChatGPT-style authorization-code flow yields (client_secret_post and _basic, state, refresh) on the REST face
 * and on /mcp, gates tools by scope (read-only tools: the read scope, others: the write scope), and with
 * `--per-user` gives each signed-in user their own MCP server: server-memory keeps one graph per user.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams, selectResourceURL } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { openSession, rpc, serveCli, type Served } from './mcp-face-helpers.js';
import { chatgptClient, startOidcProvider, type TestAuthorizationServer } from '../helpers/oidc.js';
import { MEMORY, callTool, request } from './serve-helpers.js';

const MARK = 'oauth-e2e';
const FIXTURE = 'fixtures/servers/per-user.mjs';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const scratch = mkdtempSync(join(tmpdir(), 'mcp-actions-oauth-'));
// ChatGPT's two token exchange methods: "Default (POST request)" and "Basic authorization header"
const POST = chatgptClient('gpt-post', 'post-secret-0123456789abcdef', 'client_secret_post');
const BASIC = chatgptClient('gpt-basic', 'basic-secret-0123456789abcdef', 'client_secret_basic');
let auth: TestAuthorizationServer;
/** The authorization-code flow as ChatGPT walks it, as `user`, with POST's client unless told. */
const signIn = (user: string, o: { client?: typeof POST; scope?: string; resource?: string } = {}) =>
  auth.authorizationCode({ user, clientId: (o.client ?? POST).client_id, ...(o.scope ? { scope: o.scope } : {}), ...(o.resource ? { resource: o.resource } : {}) });
let served: Served;
let url: string;

beforeAll(async () => {
  // tokens are JWTs for any resource on 127.0.0.1 (the adapters' URLs, known once they listen)
  auth = await startOidcProvider({ clients: [POST, BASIC], resourceScopes: ['tools:read', 'tools:write'], acceptResource: (r) => r.startsWith('http://127.0.0.1:') });
  // read-only whoami needs tools:read, sleep and crash need tools:write; one user, one upstream
  served = await serveCli(
    ['--auth', 'oauth', '--oauth-issuer', auth.issuer, '--oauth-scopes', 'tools:read tools:write', '--oauth-read-scope', 'tools:read', '--oauth-write-scope', 'tools:write', '--per-user', '--user-env', 'ECHO_USER={user}'],
    [process.execPath, FIXTURE],
    { [MARK_VAR]: MARK },
  );
  url = served.url;
  // ChatGPT names no resource: the token is for the adapter's URL, the default audience
  auth.setDefaultResource(url);
});

afterAll(async () => {
  await served?.stop();
  await memory?.stop();
  await auth?.close();
  rmSync(scratch, { recursive: true, force: true });
  expect(await leftoverProcesses([MARK])).toEqual([]);
});

describe('discovery: RFC 9728 metadata and the 401 challenge', () => {
  it('serves the protected-resource metadata for the adapter and for its /mcp endpoint', async () => {
    const root = await request(`${url}/.well-known/oauth-protected-resource`);
    expect(root.status).toBe(200);
    expect(root.body).toEqual({ resource: url, authorization_servers: [auth.issuer], scopes_supported: ['tools:read', 'tools:write'], bearer_methods_supported: ['header'] });
    const mcp = await request(`${url}/.well-known/oauth-protected-resource/mcp`);
    expect(mcp.body).toMatchObject({ resource: `${url}/mcp`, authorization_servers: [auth.issuer] });
    expect((await request(`${url}/.well-known/oauth-protected-resource/elsewhere`)).status).toBe(404);
    // the spec's OAuth flow, for the GPT builder, from the issuer's metadata
    const spec = (await request(`${url}/openapi.json`)).body;
    expect(spec.components.securitySchemes).toEqual({
      oauth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: `${auth.issuer}/auth`, tokenUrl: `${auth.issuer}/token`, scopes: { 'tools:read': 'tools:read', 'tools:write': 'tools:write' } } } },
    });
    expect(served.stderr()).toContain(`auth: oauth (issuer ${auth.issuer})`);
  });

  it('answers a call without a token 401 with resource_metadata, and starts nothing', async () => {
    const rest = await callTool(url, 'whoami', {});
    expect(rest.status).toBe(401);
    expect(rest.body.error.type).toBe('unauthorized');
    expect(rest.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${url}/.well-known/oauth-protected-resource"`);
    const mcp = await rpc(`${url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${url}/.well-known/oauth-protected-resource/mcp"`);
    const sse = await fetch(`${url}/sse`, { headers: { accept: 'text/event-stream' } });
    expect(sse.status).toBe(401);
    expect(sse.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect((await request(`${url}/readyz`)).body.users).toBe(0);
  });

  it('is what the MCP SDK client finds from the 401, and the resource it would ask a token for', async () => {
    const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(res);
    const metadata = await discoverOAuthProtectedResourceMetadata(new URL(`${url}/mcp`), { resourceMetadataUrl: resourceMetadataUrl! });
    expect(metadata.authorization_servers).toEqual([auth.issuer]);
    expect(String(await selectResourceURL(new URL(`${url}/mcp`), {} as never, metadata))).toBe(`${url}/mcp`);
  });
});

describe('the authorization-code flow as ChatGPT walks it, then calls', () => {
  it('client_secret_post: the access token calls the REST face; the refreshed one too', async () => {
    const tokens = await signIn('alice', { client: POST });
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeTruthy();
    const a = await callTool(url, 'whoami', {}, bearer(tokens.access_token));
    expect(a.status, a.text).toBe(200);
    expect(a.body.env.ECHO_USER).toBe('alice'); // {user}: the token's subject
    const slept = await callTool(url, 'sleep', { ms: 1 }, bearer(tokens.access_token));
    expect(slept.status, slept.text).toBe(200);
    const refreshed = await auth.refresh(tokens.refresh_token!, { clientId: POST.client_id });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const again = await callTool(url, 'whoami', {}, bearer(refreshed.access_token));
    expect(again.status).toBe(200);
    expect(again.body.pid).toBe(a.body.pid); // the same user: the same upstream
  });

  it('client_secret_basic: another user, another upstream', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob', { client: BASIC });
    const a = await callTool(url, 'whoami', {}, bearer(alice.access_token));
    const b = await callTool(url, 'whoami', {}, bearer(bob.access_token));
    expect(b.status, b.text).toBe(200);
    expect(b.body.env.ECHO_USER).toBe('bob');
    expect(b.body.pid).not.toBe(a.body.pid);
    expect(served.stderr()).not.toContain(bob.access_token);
    expect(served.stderr()).not.toMatch(/"user":"bob"/); // logs name users by a digest
  });

  it('the MCP face: the SDK client calls tools with a token for the /mcp resource', async () => {
    const tokens = await signIn('carol', { resource: `${url}/mcp` });
    const client = new Client({ name: 'oauth-e2e', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: bearer(tokens.access_token) } }));
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect((result.structuredContent as { env: Record<string, string> }).env.ECHO_USER).toBe('carol');
    } finally {
      await client.close();
    }
  });
});

describe('scopes', () => {
  let readOnly: string;
  beforeAll(async () => {
    readOnly = (await signIn('dave', { scope: 'tools:read' })).access_token;
  });

  it('a read-only token calls read-only tools; any other tool is 403 insufficient_scope with the scope it needs', async () => {
    expect((await callTool(url, 'whoami', {}, bearer(readOnly))).status).toBe(200);
    const refused = await callTool(url, 'sleep', { ms: 1 }, bearer(readOnly));
    expect(refused.status).toBe(403);
    expect(refused.body.error.type).toBe('insufficient_scope');
    expect(refused.body.error.message).toContain('"tools:write"');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="tools:write", .*resource_metadata="/);
  });

  it('the same on /mcp: HTTP 403 with the challenge, a JSON-RPC error, nothing run', async () => {
    const session = await openSession(`${url}/mcp`, bearer(readOnly));
    const call = await rpc(`${url}/mcp`, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'sleep', arguments: { ms: 1 } } }, { ...bearer(readOnly), 'mcp-session-id': session });
    expect(call.status).toBe(403);
    expect(call.message.error.data.type).toBe('insufficient_scope');
    expect(call.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});

describe('refused tokens', () => {
  it('a token in the query string is refused, even a valid one', async () => {
    const { access_token } = await signIn('erin');
    const res = await request(`${url}/tools/whoami?access_token=${access_token}`, { method: 'POST', json: {}, headers: bearer(access_token) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
  });

  it('a token for another resource (an ID-token-like audience) is 401 invalid_token and starts no upstream', async () => {
    const before = (await request(`${url}/readyz`)).body.users;
    const { access_token } = await signIn('frank', { resource: 'http://127.0.0.1:1/elsewhere' });
    const res = await callTool(url, 'whoami', {}, bearer(access_token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="the token is meant for another resource (aud)", resource_metadata="${url}/.well-known/oauth-protected-resource"`,
    );
    expect((await request(`${url}/readyz`)).body.users).toBe(before);
  });
});

let memory: Served | undefined;
describe('the issue\'s example: --per-user --user-env MEMORY_FILE_PATH=<dir>/{user}.jsonl with server-memory', () => {
  it("keeps each signed-in user's knowledge graph apart", async () => {
    memory = await serveCli(['--auth', 'oauth', '--oauth-issuer', auth.issuer, '--per-user', '--user-env', `MEMORY_FILE_PATH=${scratch}/{user}.jsonl`], [process.execPath, MEMORY], { [MARK_VAR]: MARK });
    const alice = (await signIn('alice', { resource: memory.url })).access_token;
    const bob = (await signIn('bob', { resource: memory.url })).access_token;
    const entity = { name: 'Alice_Secret', entityType: 'note', observations: ['only alice knows'] };
    const created = await callTool(memory.url, 'create_entities', { entities: [entity] }, bearer(alice));
    expect(created.status, created.text).toBe(200);
    const bobs = await callTool(memory.url, 'read_graph', {}, bearer(bob));
    expect(bobs.status, bobs.text).toBe(200);
    expect(bobs.text).not.toContain('Alice_Secret');
    expect((await callTool(memory.url, 'read_graph', {}, bearer(alice))).text).toContain('Alice_Secret');
    expect(readdirSync(scratch)).toEqual(['alice.jsonl']);
    // a forged token never starts a process
    const forged = `${alice.slice(0, alice.lastIndexOf('.'))}.${'A'.repeat(342)}`;
    expect((await callTool(memory.url, 'read_graph', {}, bearer(forged))).status).toBe(401);
    expect((await request(`${memory.url}/readyz`)).body.users).toBe(2);
  }, 90_000); // three server-memory starts (the probe, alice, bob): slow on a loaded 2-core machine
});
