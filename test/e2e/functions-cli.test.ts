/**
 * `generate functions` and `generate responses-mcp`, spawned as the built CLI against real servers: the demo
 * fixture, server-everything (stdio) and a Streamable HTTP server in this file (127.0.0.1:0).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/cli.js');
const demo = ['--', process.execPath, join(root, 'fixtures/servers/demo.mjs')];
const everything = ['--', process.execPath, join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'];
const many = (n: number) => ['--', process.execPath, join(root, 'test/e2e/functions-many-tools.mjs'), String(n)];
const golden = (name: string) => readFile(join(root, 'fixtures/golden-functions', name), 'utf8');

interface Run { code: number; stdout: string; stderr: string }
function run(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let tmp: string;
let http: HttpServer;
let httpUrl: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcp-actions-functions-'));
  // a stateless Streamable HTTP MCP server: one read-only and one writing tool
  const app = express();
  app.use(express.json());
  app.post('/mcp', async (req, res) => {
    seenAuth.push(String(req.headers.authorization));
    const server = new Server({ name: 'http-fixture', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        { name: 'lookup', inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, annotations: { readOnlyHint: true } },
        { name: 'store', inputSchema: { type: 'object', properties: { v: { type: 'string' } } } },
      ],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  http = await new Promise<HttpServer>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});

describe('generate functions', () => {
  it('prints the Chat Completions tools of the demo server, byte for byte the golden file, and the name map on stderr', async () => {
    const r = await run(['generate', 'functions', '--api', 'chat', ...demo]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await golden('demo.chat.json'));
    expect(r.stderr).toMatch(/name map \(function name → MCP tool name\):\n\{\n {2}"add": "add",/);
    expect(r.stderr).toContain('5 Chat Completions function tools');
  });

  it('--api responses --strict --name-map FILE on server-everything', async () => {
    const file = join(tmp, 'names.json');
    const r = await run(['generate', 'functions', '--api', 'responses', '--strict', '--name-map', file, ...everything]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await golden('server-everything.responses.strict.json'));
    const map = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(map['get-sum']).toBe('get-sum');
    // every tool, the task-only simulate-research-query too (route it with callTool, which runs it as a task)
    expect(Object.keys(map)).toHaveLength(13);
    expect(map['simulate-research-query']).toBe('simulate-research-query');
    expect(r.stderr).not.toContain('left out');
    expect(r.stderr).toContain(`name map written to ${file}`);
    expect(r.stderr).not.toContain('"get-sum": "get-sum"');
  });

  it('--include / --exclude choose the tools', async () => {
    const r = await run(['generate', 'functions', '--api', 'responses', '--include', '*_note*', '--exclude', 'delete_*', ...demo]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((t) => t.name)).toEqual(['create_note', 'list_notes']);
  });

  it('more than 128 tools: exit 1 naming --include/--exclude; 128 are fine', async () => {
    const over = await run(['generate', 'functions', ...many(129)]);
    expect(over.code).toBe(1);
    expect(over.stdout).toBe('');
    expect(over.stderr).toMatch(/129 tools selected; OpenAI accepts at most 128 .*--include.*--exclude/);
    const ok = await run(['generate', 'functions', '--exclude', 'tool_128', ...many(129)]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveLength(128);
  });

  it('usage errors exit 2 with one line naming the fix', async () => {
    const badApi = await run(['generate', 'functions', '--api', 'assistants', ...demo]);
    expect(badApi.code).toBe(2);
    expect(badApi.stderr).toMatch(/--api.*assistants.*chat, responses/);
    const badFile = await run(['generate', 'functions', '--name-map', join(tmp, 'missing-dir', 'x.json'), ...demo]);
    expect(badFile.code).toBe(2);
    expect(badFile.stdout).toBe('');
    expect(badFile.stderr).toMatch(/cannot write --name-map .*x\.json \(ENOENT\); check that the directory exists/);
  });
});

describe('generate responses-mcp', () => {
  it('prints the mcp block for the demo server with approvals from the annotations and header placeholders', async () => {
    const r = await run([
      'generate', 'responses-mcp', '--server-url', 'https://mcp.example.com/mcp', '--label', 'notes',
      '--header', 'Authorization: Bearer sekret-token-123', ...demo,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      type: 'mcp',
      server_label: 'notes',
      server_url: 'https://mcp.example.com/mcp',
      headers: { Authorization: '<your Authorization>' },
      allowed_tools: ['add', 'create_note', 'delete_note', 'get_forecast', 'list_notes'],
      require_approval: { never: { tool_names: ['add', 'get_forecast', 'list_notes'] }, always: { tool_names: ['create_note', 'delete_note'] } },
    });
    expect(r.stdout + r.stderr).not.toContain('sekret');
    expect(r.stderr).toContain('3 read-only (no approval), 2 needing approval');
    // docs/openai.md shows this command (one command) and this block
    const page = readFileSync(new URL('../../docs/openai.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('## Remote MCP in the Responses API'));
    const command = /```sh\n([\s\S]*?)```/.exec(section)![1]!.replace(/\\\n\s*/g, '').trim();
    expect(command).toBe('mcp-actions generate responses-mcp --server-url https://mcp.example.com/mcp --label notes --header "Authorization: Bearer $TOKEN" -- node fixtures/servers/demo.mjs');
    expect(JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!)).toEqual(JSON.parse(r.stdout));
  });

  it('with no server given, connects to --server-url itself (HTTP), sending the real header but printing a placeholder', async () => {
    seenAuth.length = 0;
    const r = await run(['generate', 'responses-mcp', '--server-url', httpUrl, '--label', 'fixture', '--header', 'Authorization: Bearer sekret-xyz']);
    expect(r.code).toBe(0);
    const block = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(block.require_approval).toEqual({ never: { tool_names: ['lookup'] }, always: { tool_names: ['store'] } });
    expect(block.headers).toEqual({ Authorization: '<your Authorization>' });
    expect(seenAuth).toContain('Bearer sekret-xyz');
    expect(r.stdout + r.stderr).not.toContain('sekret');
    expect(r.stderr).toMatch(/warning: OpenAI must reach .* public https URL/);
  });

  it('bad --server-url, bad --label and a missing --label exit 2 before connecting', async () => {
    const url = await run(['generate', 'responses-mcp', '--server-url', 'ftp://x', '--label', 'a', ...demo]);
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--server-url "ftp:\/\/x" is not an http\(s\) URL/);
    expect(url.stderr).not.toContain('connecting');
    const label = await run(['generate', 'responses-mcp', '--server-url', 'https://x.example/mcp', '--label', 'no spaces', ...demo]);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/--label "no spaces" is not a valid server label; use 1-64 letters/);
    const missing = await run(['generate', 'responses-mcp', '--server-url', 'https://x.example/mcp', ...demo]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--label/);
  });
});
