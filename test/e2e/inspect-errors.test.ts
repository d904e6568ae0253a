/**
 * Every error of issue #2 point 5, through the built CLI: exit code 2 and one line naming the cause and
 * what to do. After each run, no process started by it may be left alive.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES, freePort, newMark, runCli, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses } from '../helpers/processes.js';

// Each test spawns real processes: give a busy 2-core CI machine room (a run is seconds when idle).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const serverMark = newMark(); // the long-lived servers of this file
const runMarks: string[] = [];
const fixture = (name: string) => join(FIXTURES, name);

/** Runs the CLI with a mark of its own; once it has exited, nothing it started may be alive. */
async function cli(args: string[], env?: Record<string, string | undefined>) {
  const mark = newMark();
  runMarks.push(mark);
  const result = await runCli(args, { mark, env });
  expect(await leftoverProcesses([mark]), `processes left by: inspect ${args.join(' ')}`).toEqual([]);
  return result;
}

/** The first line of stderr that is not progress. */
function errorLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.startsWith('mcp-actions: ')) ?? `(no error line in: ${stderr})`;
}

let httpFixture: ServerProcess & { url: string };
let page: Server; // answers HTML, 403, or never
let pageUrl: string;
let tmp: string;

beforeAll(async () => {
  httpFixture = await startUrlServer(['node', fixture('http.mjs'), '--token', 's3cret'], { mark: serverMark });
  page = createServer((req, res) => {
    if (req.url?.startsWith('/broken')) res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
    else if (req.url?.startsWith('/forbidden')) res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
    else if (req.url?.startsWith('/never')) req.resume(); // accept the request, never answer
    else if (req.url?.startsWith('/api')) res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id": 1}]'); // JSON, not MCP
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>');
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  const address = page.address();
  pageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  tmp = mkdtempSync(join(tmpdir(), 'mcp-actions-errors-'));
});

afterAll(async () => {
  page?.closeAllConnections();
  await new Promise((r) => page?.close(r));
  await httpFixture?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  expect(await leftoverProcesses([...runMarks, serverMark], { descendants: true })).toEqual([]);
});

describe.concurrent('stdio servers', () => {
  it('command not found', async () => {
    const r = await cli(['inspect', '--', 'no-such-mcp-server-xyz', '--stdio']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorLine(r.stderr)).toBe(
      'mcp-actions: command not found: no-such-mcp-server-xyz; check the spelling, install it, or give its full path',
    );
  });

  it('--cwd that does not exist is not reported as "command not found"', async () => {
    const missing = join(tmp, 'no-such-dir');
    const r = await cli(['inspect', '--cwd', missing, '--', 'node', fixture('demo.mjs')]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`mcp-actions: working directory not found: ${missing}; check --cwd (or "cwd" in the config file)`);
  });

  it('server exits before answering: shows its last stderr lines', async () => {
    const r = await cli(['inspect', '--', 'node', fixture('crash.mjs'), '7']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorLine(r.stderr)).toMatch(
      /^mcp-actions: the server \(node \S+crash\.mjs 7\) exited with code 7 before answering; run the command by hand to see why\. Last stderr lines:$/,
    );
    expect(r.stderr).toContain('\n  crash-fixture: reading settings\n  Error: DATABASE_URL is not set\n');
  });

  it('server exits while listing tools: shows how it ended and its last stderr lines', async () => {
    const r = await cli(['inspect', '--', 'node', fixture('crash.mjs'), '5', '--after-initialize']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorLine(r.stderr)).toMatch(
      /^mcp-actions: the server \(node \S+crash\.mjs 5 --after-initialize\) exited with code 5 during tools\/list; run it by hand to see why\. Last stderr lines:$/,
    );
    expect(r.stderr).toContain('\n  Error: out of memory while listing tools\n');
  });

  it('timeout: a server that never answers initialize is killed', async () => {
    const r = await cli(['inspect', '--timeout', '1000', '--', 'node', fixture('hang.mjs')]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(
      /^mcp-actions: no answer from node \S+hang\.mjs within 1000 ms; check that it is an MCP server speaking stdio, or raise --timeout(\. Last stderr lines:)?$/,
    );
    expect(r.ms).toBeLessThan(29_000); // the default timeout (30 s) was not used
  });

  it('timeout: a server that hangs on tools/list is killed', async () => {
    // the timeout covers initialize too: leave a slow machine time to start the server
    const r = await cli(['inspect', '--timeout', '8000', '--', 'node', fixture('hang.mjs'), '--after-initialize']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(
      /^mcp-actions: tools\/list got no answer from node \S+hang\.mjs --after-initialize within 8000 ms; raise --timeout if the server is just slow$/,
    );
  });

  it('timeout: a server that ignores stdin closing and SIGTERM is SIGKILLed, not left behind', async () => {
    const r = await cli(['inspect', '--timeout', '8000', '--', 'node', fixture('hang.mjs'), '--after-initialize', '--stubborn']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/^mcp-actions: tools\/list got no answer from .*hang\.mjs --after-initialize --stubborn within 8000 ms/);
    expect(r.ms).toBeLessThan(45_000); // the SDK waits 2 s after closing stdin and 2 s after SIGTERM
  });

  it('a repeated tools/list cursor stops with a clear error', async () => {
    const r = await cli(['inspect', '--', 'node', fixture('paginate.mjs'), '--repeat-cursor']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorLine(r.stderr)).toBe(
      'mcp-actions: tools/list repeated the cursor "page-1" after 2 pages; the server paginates in a loop; report it to its authors',
    );
  });
});

describe.concurrent('HTTP servers', () => {
  it('URL refuses the connection', async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    const r = await cli(['inspect', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: connection refused by ${url}; is the server running and listening on that host and port?`,
    );
  });

  it('port 1 (a port fetch never connects to) says connection refused, not "fetch failed" (issue 17)', async () => {
    const r = await cli(['inspect', '--url', 'http://127.0.0.1:1/mcp']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      'mcp-actions: connection refused by http://127.0.0.1:1/mcp: fetch never connects to port 1 (a port browsers block); run the MCP server on another port, e.g. 3001',
    );
  });

  it('a JSON endpoint that is not MCP says so, not "([)" (issue 17)', async () => {
    const url = `${pageUrl}/api/items`;
    const r = await cli(['inspect', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: ${url} does not look like an MCP server (it answered JSON, but not a JSON-RPC message); check the URL: it may be a REST API rather than its MCP endpoint; Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse`,
    );
  });

  it('401 suggests --header "Authorization: Bearer …", and the header fixes it', async () => {
    const r = await cli(['inspect', '--url', httpFixture.url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: 401 from ${httpFixture.url}: the server wants credentials; pass a token with --header "Authorization: Bearer <token>" (or the header the server expects)`,
    );
    const wrong = await cli(['inspect', '--url', httpFixture.url, '--header', 'Authorization: Bearer nope']);
    expect(wrong.code).toBe(2);
    expect(errorLine(wrong.stderr)).toContain('check the token given with --header "Authorization: Bearer …"');
    const ok = await cli(['inspect', '--url', httpFixture.url, '--header', 'Authorization: Bearer s3cret']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^echo\s+Echo\s+yes/m);
  });

  it('403', async () => {
    const url = `${pageUrl}/forbidden`;
    const r = await cli(['inspect', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: 403 from ${url}: the server refused access; pass a token with --header "Authorization: Bearer <token>" (or the header the server expects)`,
    );
  });

  it('a server that fails with 500', async () => {
    const url = `${pageUrl}/broken`;
    const r = await cli(['inspect', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: ${url} failed with HTTP 500; the server is up but broken or overloaded; check its logs, or try again`,
    );
  });

  it('not MCP: an HTML page', async () => {
    const url = `${pageUrl}/`;
    const r = await cli(['inspect', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: ${url} does not look like an MCP server (it answered with an HTML page, not MCP); check the URL: Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse`,
    );
  });

  it('not MCP over --transport sse either', async () => {
    const r = await cli(['inspect', '--transport', 'sse', '--url', `${pageUrl}/`]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(/does not look like an MCP server \(it answered with a wrong content type, not MCP\); check the URL/);
  });

  it('timeout on a URL that never answers', async () => {
    const url = `${pageUrl}/never`;
    const r = await cli(['inspect', '--timeout', '1000', '--url', url]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`mcp-actions: no answer from ${url} within 1000 ms; check the URL, or raise --timeout`);
    expect(r.ms).toBeLessThan(29_000); // the default timeout (30 s) was not used
  });
});

describe.concurrent('config files', () => {
  const write = (name: string, text: string) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };

  it('missing file', async () => {
    const path = join(tmp, 'nope.json');
    const r = await cli(['inspect', '--config', path]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`mcp-actions: config file not found: ${path}; check the path given to --config`);
  });

  it('not JSON: names line and column', async () => {
    const path = write('broken.json', '{\n  "mcpServers": {\n    "a": { "command": "node" }\n    "b": {}\n  }\n}\n');
    const r = await cli(['inspect', '--config', path]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`mcp-actions: ${path}:4:5: not valid JSON (CommaExpected); fix the file at that position`);
  });

  const two = JSON.stringify({
    mcpServers: {
      demo: { command: 'node', args: [fixture('demo.mjs')] },
      paged: { command: 'node', args: [fixture('paginate.mjs')] },
    },
  });

  it('unknown server name lists the names', async () => {
    const path = write('two.json', two);
    const r = await cli(['inspect', '--config', path, '--server', 'github']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: ${path} has no server named "github" (it has: demo, paged); pass one of those names to --server`,
    );
  });

  it('several servers and no --server lists the names', async () => {
    const path = write('two.json', two);
    const r = await cli(['inspect', '--config', path]);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(`mcp-actions: ${path} lists 2 servers: demo, paged; choose one with --server NAME`);
  });

  it('${VAR} unset', async () => {
    const path = write(
      'vars.json',
      JSON.stringify({ mcpServers: { api: { url: 'https://example.invalid/mcp', headers: { Authorization: 'Bearer ${MCPA_TEST_TOKEN}' } } } }),
    );
    const r = await cli(['inspect', '--config', path], { MCPA_TEST_TOKEN: undefined });
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      `mcp-actions: ${path}: server "api", "headers.Authorization" uses \${MCPA_TEST_TOKEN}, which is not set; export MCPA_TEST_TOKEN=… before running mcp-actions`,
    );
  });
});

describe.concurrent('the program', () => {
  it('--help on inspect shows examples and the target flags', async () => {
    const r = await cli(['inspect', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mcp-actions inspect [options] [server...]');
    expect(r.stdout).toContain('Examples:\n  $ mcp-actions inspect -- node fixtures/servers/demo.mjs');
    for (const flag of ['--url', '--transport', '--header', '--config', '--server', '--env', '--cwd', '--timeout', '--json']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--version prints the package version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('unknown command exits 2', async () => {
    const r = await cli(['inspekt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'inspekt'");
  });

  it('unknown flag exits 2', async () => {
    const r = await cli(['inspect', '--jsno', '--', 'node', fixture('demo.mjs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--jsno'");
  });

  it('a server command with flags but no -- says the command goes after -- (issue 17)', async () => {
    const r = await cli(['inspect', 'npx', '-y', '@modelcontextprotocol/server-filesystem', '/home/ada/notes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: unknown option '-y': options after the server's command belong to it, so the command goes after --:\n" +
        '  mcp-actions inspect [options] -- npx -y @modelcontextprotocol/server-filesystem /home/ada/notes\n',
    );
    const g = await cli(['generate', 'openapi', '--server-url', 'https://a.example.com', 'node', 'server.js', '--db', 'my notes.db']);
    expect(g.code).toBe(2);
    expect(g.stderr).toContain("  mcp-actions generate openapi [options] -- node server.js --db 'my notes.db'\n");
  });

  it('no server given exits 2 and says how to give one', async () => {
    const r = await cli(['inspect']);
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toBe(
      'mcp-actions: no MCP server given; pass a command after --, e.g. "-- node server.js", or --url URL, or --config FILE',
    );
  });

  it('bad --timeout and --env values exit 2', async () => {
    const t = await cli(['inspect', '--timeout', 'soon', '--', 'node', fixture('demo.mjs')]);
    expect(t.code).toBe(2);
    expect(errorLine(t.stderr)).toBe('mcp-actions: --timeout "soon" is not a positive number of milliseconds; e.g. --timeout 10000');
    const e = await cli(['inspect', '--env', 'NOVALUE', '--', 'node', fixture('demo.mjs')]);
    expect(e.code).toBe(2);
    expect(errorLine(e.stderr)).toBe('mcp-actions: --env "NOVALUE" is not KEY=VALUE; write it as --env API_KEY=abc');
  });
});
