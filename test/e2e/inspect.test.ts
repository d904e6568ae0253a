/**
 * Acceptance of issue #2 through the built CLI: server-everything over stdio, Streamable HTTP and legacy SSE
 * lists every tool a direct SDK client sees; pagination; --env/--cwd; no process left behind.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CatalogTool, ToolCatalog } from '../../src/mcp/catalog.js';
import {
  EVERYTHING,
  FIXTURES,
  ROOT,
  freePort,
  newMark,
  runCli,
  startProcess,
  startUrlServer,
  waitForPort,
  type ServerProcess,
} from '../helpers/cli.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { connectSdk } from '../helpers/sdk-client.js';

// Each test spawns real processes: give a busy 2-core CI machine room (a run is seconds when idle).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const mark = newMark();
const cli = (args: string[]) => runCli(args, { mark });
const everythingStdio = ['node', EVERYTHING, 'stdio'];

/** What a plain SDK client sees: server info and every page of tools/list. */
async function directTools(): Promise<{ name: string; tools: { name: string; inputSchema: unknown }[] }> {
  const { client, close } = await connectSdk({ kind: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: { [MARK_VAR]: mark } });
  try {
    const tools = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return { name: client.getServerVersion()!.name, tools };
  } finally {
    await close();
  }
}

/** The catalog tools the direct client's tools should become: the same fields, sorted by name. */
function expectedTools(): CatalogTool[] {
  return direct.tools
    .map((t) => {
      const { name, title, description, inputSchema, outputSchema, annotations, execution } = t as Record<string, unknown>;
      const fields = { name, title, description, inputSchema, outputSchema, annotations, execution };
      return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as CatalogTool;
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

let direct: Awaited<ReturnType<typeof directTools>>;
const servers: ServerProcess[] = [];
let httpPort: number;
let ssePort: number;
let guarded: ServerProcess & { url: string }; // http.mjs --sse --token: every request needs the header

async function startEverything(mode: 'streamableHttp' | 'sse'): Promise<number> {
  const port = await freePort();
  const proc = startProcess(['node', EVERYTHING, mode], { mark, env: { PORT: String(port) } });
  servers.push(proc);
  await waitForPort(port, { proc }); // server-everything can take a while to start on a busy machine
  return port;
}

beforeAll(async () => {
  const starting = startUrlServer(['node', join(FIXTURES, 'http.mjs'), '--sse', '--token', 'tk-1'], { mark }).then((s) => {
    servers.push(s);
    return s;
  });
  [direct, httpPort, ssePort, guarded] = await Promise.all([
    directTools(),
    startEverything('streamableHttp'),
    startEverything('sse'),
    starting,
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  expect(await leftoverProcesses([mark], { descendants: true })).toEqual([]);
});

describe.concurrent('server-everything over stdio', () => {
  it('the table lists every tool a direct SDK client sees', async () => {
    expect(direct.tools.length).toBeGreaterThan(5);
    const r = await cli(['inspect', '--', ...everythingStdio]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+TITLE\s+READ-ONLY\s+DESTRUCTIVE\s+PARAMS\s+OUTPUT-SCHEMA$/);
    const names = rows.slice(1).map((row) => row.split(/\s+/)[0]);
    expect(names).toEqual(direct.tools.map((t) => t.name).sort());
    expect(r.stderr).toContain(`${direct.name} `);
    expect(r.stderr).toContain(`(over stdio): ${direct.tools.length} tools`);
  });

  it('--json prints the full catalog: every tool with its schemas, sorted by name', async () => {
    const r = await cli(['inspect', '--json', '--', ...everythingStdio]);
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout) as ToolCatalog;
    expect(catalog.server.name).toBe(direct.name);
    expect(catalog.server.capabilities).toHaveProperty('tools');
    expect(catalog.tools).toEqual(expectedTools());
    expect(catalog.tools.some((t) => t.outputSchema !== undefined && t.annotations !== undefined)).toBe(true);
    // execution (MCP 2025-11-25) is kept: the generator leaves out the task-only tools
    expect(catalog.tools.find((t) => t.name === 'simulate-research-query')?.execution).toEqual({ taskSupport: 'required' });
  });
});

describe.concurrent('server-everything over HTTP', () => {
  it('--url …/mcp speaks Streamable HTTP and sees the same catalog', async () => {
    const r = await cli(['inspect', '--json', '--url', `http://127.0.0.1:${httpPort}/mcp`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(over Streamable HTTP)');
    expect((JSON.parse(r.stdout) as ToolCatalog).tools).toEqual(expectedTools());
  });

  it('--url …/sse: Streamable HTTP POST is refused with 404, so it falls back to legacy SSE', async () => {
    const url = `http://127.0.0.1:${ssePort}/sse`;
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    await post.body?.cancel();
    expect(post.status).toBe(404);
    const r = await cli(['inspect', '--json', '--url', url]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(over legacy SSE)');
    expect((JSON.parse(r.stdout) as ToolCatalog).tools).toEqual(expectedTools());
  });

  it('--transport sse goes straight to SSE; a URL operand works like --url', async () => {
    const r = await cli(['inspect', '--transport', 'sse', `http://127.0.0.1:${ssePort}/sse`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(over legacy SSE)');
    expect(r.stdout.trimEnd().split('\n').length).toBe(direct.tools.length + 1);
  });

  it('--transport streamable-http does not fall back', async () => {
    const r = await cli(['inspect', '--transport', 'streamable-http', '--url', `http://127.0.0.1:${ssePort}/sse`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not look like an MCP server (HTTP 404)');
  });
});

describe.concurrent('--header reaches every request', () => {
  const sseUrl = () => guarded.url.replace(/\/mcp$/, '/sse');
  const auth = ['--header', 'Authorization: Bearer tk-1'];

  it('Streamable HTTP', async () => {
    const r = await cli(['inspect', '--url', guarded.url, ...auth]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('http-fixture 1.0.0 (over Streamable HTTP): 2 tools');
  });

  it('legacy SSE after the fallback: the event stream and the message POSTs', async () => {
    const r = await cli(['inspect', '--url', sseUrl(), ...auth]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('http-fixture 1.0.0 (over legacy SSE): 2 tools');
  });

  it('legacy SSE with --transport sse', async () => {
    const r = await cli(['inspect', '--transport', 'sse', '--url', sseUrl(), ...auth]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(over legacy SSE): 2 tools');
  });

  it('without it, the SSE endpoint is a 401 with the hint', async () => {
    const r = await cli(['inspect', '--transport', 'sse', '--url', sseUrl()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`mcp-actions: 401 from ${sseUrl()}: the server wants credentials; pass a token with --header`);
  });
});

describe.concurrent('fixture servers', () => {
  it('the demo server: the exact table, as the README and docs/inspect.md show it', async () => {
    const r = await cli(['inspect', '--', 'node', join(FIXTURES, 'demo.mjs')]);
    expect(r.code).toBe(0);
    for (const page of ['README.md', 'docs/inspect.md']) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const start = text.indexOf('$ mcp-actions inspect -- node fixtures/servers/demo.mjs\n');
      expect(start, page).toBeGreaterThanOrEqual(0);
      const block = text.slice(start, text.indexOf('```', start));
      expect(block.slice(block.indexOf('NAME')), page).toBe(r.stdout);
      expect(block, page).toContain(r.stderr.split('\n')[1]); // "demo-notes 1.2.0 (over stdio): 5 tools"
    }
    expect(r.stdout).toBe(
      [
        'NAME          TITLE                 READ-ONLY  DESTRUCTIVE  PARAMS  OUTPUT-SCHEMA',
        'add                                 yes        -            2       no',
        'create_note   Create a note         no         no           1       no',
        'delete_note   Delete a note         no         yes          1       no',
        'get_forecast  Get weather forecast  yes        -            3       yes',
        'list_notes    List notes            yes        -            1       no',
        '',
      ].join('\n'),
    );
  });

  it('every page of a paginated tools/list arrives', async () => {
    const r = await cli(['inspect', '--json', '--', 'node', join(FIXTURES, 'paginate.mjs'), '--pages', '7', '--per-page', '30']);
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout) as ToolCatalog).tools.map((t) => t.name);
    expect(names).toEqual(Array.from({ length: 210 }, (_, i) => `tool_${String(i + 1).padStart(3, '0')}`));
  });

  it('--env adds to the server environment and --cwd sets its directory', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-actions-cwd-')));
    try {
      const r = await cli([
        'inspect', '--json', '--env', 'FIXTURE_SERVER_NAME=from-env', '--cwd', dir, '--',
        'node', join(FIXTURES, 'paginate.mjs'), '--pages', '1',
      ]);
      expect(r.code).toBe(0);
      const { server } = JSON.parse(r.stdout) as ToolCatalog;
      expect(server.name).toBe('from-env');
      expect(server.instructions).toBe(`cwd: ${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
