/**
 * `serve --config` with two servers: each has its own MCP endpoint under its prefix (Streamable HTTP and SSE),
 * and /mcp serves every server's tools, named `{server}_{tool}` as the combined spec names their operations.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restToolNames } from './mcp-face-helpers.js';
import { stopChild } from './serve-helpers.js';
import { spawn, type ChildProcess } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-face-multi-'));
let child: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  const server = (script: string) => ({ command: process.execPath, args: [resolve(script)] });
  writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { demo: server('fixtures/servers/demo.mjs'), faults: server('fixtures/servers/fault-server.mjs') } }));
  child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--log-level', 'warn', '--config', join(dir, 'mcp.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  url = await new Promise<string>((ok, fail) => {
    let out = '';
    child!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) ok(out.split('\n')[0]!);
    });
    child!.once('exit', (code) => fail(new Error(`serve exited ${code}: ${err}`)));
  });
}, 60_000);
afterAll(async () => {
  if (child) await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
});

async function connected<T>(transport: StreamableHTTPClientTransport | SSEClientTransport, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ name: 'multi', version: '0' });
  await client.connect(transport);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe('several servers', () => {
  it('/{server}/mcp serves that server, as its own REST prefix does', async () => {
    await connected(new StreamableHTTPClientTransport(new URL(`${url}/demo/mcp`)), async (client) => {
      expect(client.getServerVersion()?.name).toBe('demo-notes');
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(await restToolNames(`${url}/demo`));
      expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 5 } })).toEqual({ content: [{ type: 'text', text: '7' }] });
    });
  });
  it('/{server}/sse: the old transport posts to /{server}/messages', async () => {
    await connected(new SSEClientTransport(new URL(`${url}/faults/sse`)), async (client) => {
      const echo = await client.callTool({ name: 'echo', arguments: { id: 'via-sse' } });
      expect(echo.structuredContent).toMatchObject({ id: 'via-sse' });
    });
  });
  it('/mcp serves every server\'s tools as {server}_{tool}, the names of the combined spec', async () => {
    await connected(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)), async (client) => {
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, { post?: { operationId: string } }> };
      // The tool operations are the POSTs (GET /jobs/{id}, get_job, is the adapter's own).
      expect(names).toEqual(Object.values(spec.paths).flatMap((p) => (p.post ? [p.post.operationId] : [])).sort());
      expect(names).toContain('demo_add');
      expect(names).toContain('faults_echo');
      expect(await client.callTool({ name: 'demo_add', arguments: { a: 1, b: 1 } })).toEqual({ content: [{ type: 'text', text: '2' }] });
      expect((await client.callTool({ name: 'faults_echo', arguments: { id: 'combined' } })).structuredContent).toMatchObject({ id: 'combined' });
    });
  });
});
