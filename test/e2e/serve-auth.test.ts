/**
 * Inbound auth: missing, wrong, query-string and right credentials for each scheme; health checks without
 * auth; 401 bodies in the spec's Error shape with WWW-Authenticate; the inbound credential never reaches the
 * upstream (an HTTP MCP server in this test records every header it receives).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as McpServer } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { checkBindSafety } from '../../src/adapter/listen.js';
import { UsageError } from '../../src/errors.js';
import { callTool, request, specValidator, startAdapter, stdio, type Running } from './serve-helpers.js';

const DEMO = 'fixtures/servers/demo.mjs';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each([
  ['api-key', { type: 'api-key', apiKeyHeader: 'X-Team-Key' }, { type: 'api-key', header: 'X-Team-Key', secret: 'key-abc' }, { 'X-Team-Key': 'key-abc' }, { 'X-Team-Key': 'key-abd' }, 'X-Team-Key=key-abc'],
  ['bearer', { type: 'bearer' }, { type: 'bearer', secret: 'tok-xyz' }, { Authorization: 'Bearer tok-xyz' }, { Authorization: 'Bearer tok-xy' }, 'access_token=tok-xyz'],
  ['basic', { type: 'basic' }, { type: 'basic', secret: 'ann:pw:1' }, { Authorization: `Basic ${b64('ann:pw:1')}` }, { Authorization: `Basic ${b64('ann:pw:2')}` }, 'password=pw'],
] as const)('%s', (_name, specAuth, auth, right, wrong, query) => {
  let run: Running;
  let conforms: ReturnType<typeof specValidator>;
  beforeAll(async () => {
    run = await startAdapter(stdio(DEMO), { specOptions: { serverUrl: 'https://api.example.com', auth: specAuth }, auth });
    conforms = specValidator(run.adapter.published.spec);
  });
  afterAll(async () => {
    await run?.close();
  });

  const unauthorized = (a: Awaited<ReturnType<typeof callTool>>, why: RegExp) => {
    expect(a.status).toBe(401);
    expect(a.body.error.type).toBe('unauthorized');
    expect(a.body.error.message).toMatch(why);
    expect(a.headers.get('www-authenticate')).toMatch(/realm="mcp-actions"/);
    expect(conforms('/tools/add', 401, a.body)).toBeUndefined();
  };

  it('missing credentials → 401', async () => unauthorized(await callTool(run.url, 'add', { a: 1, b: 2 }), /^missing credentials/));
  it('wrong credentials → 401', async () => unauthorized(await callTool(run.url, 'add', { a: 1, b: 2 }, wrong), /^wrong credentials/));
  it('credentials in the query string → 401, even next to the right header', async () => {
    const a = await request(`${run.url}/tools/add?${query}`, { method: 'POST', json: { a: 1, b: 2 }, headers: right });
    unauthorized(a, /^credentials in the query string are refused/);
  });
  it('right credentials → 200', async () => {
    const a = await callTool(run.url, 'add', { a: 1, b: 2 }, right);
    expect(a.status).toBe(200);
    expect(conforms('/tools/add', 200, a.body)).toBeUndefined();
  });
  it('the spec declares the matching scheme', () => {
    const schemes = run.adapter.published.spec.components?.securitySchemes ?? {};
    expect(Object.values(schemes)).toHaveLength(1);
    const scheme = Object.values(schemes)[0] as unknown;
    if (auth.type === 'api-key') expect(scheme).toEqual({ type: 'apiKey', in: 'header', name: 'X-Team-Key' });
    else expect(scheme).toEqual({ type: 'http', scheme: auth.type });
  });
  it('/healthz, /readyz and the spec need no credentials', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/openapi.yaml']) expect((await request(`${run.url}${path}`)).status).toBe(200);
  });
});

describe('the inbound credential is never forwarded upstream', () => {
  const seen: IncomingHttpHeaders[] = [];
  let upstreamServer: Server;
  let run: Running;
  beforeAll(async () => {
    upstreamServer = createServer(async (req, res) => {
      seen.push(req.headers);
      const mcp = new McpServer({ name: 'header-recorder', version: '1.0.0' }, { capabilities: { tools: {} } });
      mcp.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: [{ name: 'ping', description: 'Answers pong.', inputSchema: { type: 'object', properties: { note: { type: 'string' } } } }],
      }));
      mcp.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((r) => upstreamServer.listen(0, '127.0.0.1', () => r()));
    const { port } = upstreamServer.address() as AddressInfo;
    run = await startAdapter(
      { kind: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: {}, transport: 'streamable-http' },
      { specOptions: { profile: 'generic', auth: { type: 'bearer' } }, auth: { type: 'bearer', secret: 'inbound-secret-token' } },
    );
  });
  afterAll(async () => {
    await run?.close();
    await new Promise((r) => upstreamServer?.close(r));
  });

  it('calls upstream without the caller\'s Authorization header', async () => {
    seen.length = 0;
    const a = await callTool(run.url, 'ping', { note: 'x' }, { Authorization: 'Bearer inbound-secret-token', 'X-API-Key': 'inbound-secret-token' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ result: 'pong' });
    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      expect(headers.authorization).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain('inbound-secret-token');
    }
  });
});

describe('checkBindSafety', () => {
  it.each([
    ['127.0.0.1', 'none', false, 'ok'],
    ['::1', 'none', false, 'ok'],
    ['localhost', 'none', false, 'ok'],
    ['0.0.0.0', 'none', false, 'refused'],
    ['::', 'none', false, 'refused'],
    ['192.168.1.10', 'none', false, 'refused'],
    ['0.0.0.0', 'bearer', false, 'ok'],
    ['0.0.0.0', 'none', true, 'ok'],
  ])('%s auth=%s --no-auth=%s → %s', (host, auth, noAuth, want) => {
    let got = 'ok';
    try {
      checkBindSafety(host, auth, noAuth);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      got = 'refused';
    }
    expect(got).toBe(want);
  });
});
