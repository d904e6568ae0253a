/**
 * `inspect --config`: a Claude Desktop style file naming server-filesystem and server-memory, and a VS Code
 * style `servers` file with comments, `${env:VAR}`, a stdio entry and a remote entry with headers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ToolCatalog } from '../../src/mcp/catalog.js';
import { FIXTURES, ROOT, newMark, runCli, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses } from '../helpers/processes.js';

// Each test spawns real processes: give a busy 2-core CI machine room (a run is seconds when idle).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const mark = newMark();
const pkg = (name: string) => join(ROOT, 'node_modules/@modelcontextprotocol', name, 'dist/index.js');
let tmp: string;
let claude: string;
let vscode: string;
let http: ServerProcess & { url: string };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'mcp-actions-config-'));
  claude = join(tmp, 'claude_desktop_config.json');
  writeFileSync(
    claude,
    JSON.stringify(
      {
        mcpServers: {
          filesystem: { command: 'node', args: [pkg('server-filesystem'), '${MCPA_TEST_DIR}'] },
          memory: { command: 'node', args: [pkg('server-memory')], env: { MEMORY_FILE_PATH: '${MCPA_TEST_DIR}/memory.jsonl' } },
        },
      },
      null,
      2,
    ),
  );
  http = await startUrlServer(['node', join(FIXTURES, 'http.mjs'), '--token', 'vs-secret'], { mark });
  vscode = join(tmp, 'mcp.json');
  writeFileSync(
    vscode,
    `// VS Code .vscode/mcp.json: comments and trailing commas are allowed
{
  "servers": {
    /* a stdio server with env from the environment */
    "paged": {
      "type": "stdio",
      "command": "node",
      "args": ["${join(FIXTURES, 'paginate.mjs')}", "--pages", "2"],
      "env": { "FIXTURE_SERVER_NAME": "\${env:MCPA_TEST_NAME}" },
    },
    "remote": {
      "type": "http",
      "url": "\${env:MCPA_TEST_URL}",
      "headers": { "Authorization": "Bearer \${MCPA_TEST_TOKEN}" },
    },
  },
}
`,
  );
});

afterAll(async () => {
  await http?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  expect(await leftoverProcesses([mark], { descendants: true })).toEqual([]);
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { mark, env: { MCPA_TEST_DIR: tmp, ...env } });

describe.concurrent('Claude Desktop style mcpServers', () => {
  it('--server filesystem reaches server-filesystem on the temp dir', async () => {
    const r = await cli(['inspect', '--json', '--config', claude, '--server', 'filesystem']);
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout) as ToolCatalog;
    const names = catalog.tools.map((t) => t.name);
    for (const name of ['list_allowed_directories', 'list_directory', 'read_text_file', 'write_file']) expect(names).toContain(name);
    expect(catalog.tools.find((t) => t.name === 'read_text_file')!.annotations?.readOnlyHint).toBe(true);
  });

  it('--server memory reaches server-memory', async () => {
    const r = await cli(['inspect', '--config', claude, '--server', 'memory']);
    expect(r.code).toBe(0);
    const names = r.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/\s+/)[0]);
    for (const name of ['create_entities', 'create_relations', 'read_graph', 'search_nodes']) expect(names).toContain(name);
  });

  it('a file with one server needs no --server', async () => {
    const solo = join(tmp, 'solo.json');
    writeFileSync(solo, JSON.stringify({ mcpServers: { memory: { command: 'node', args: [pkg('server-memory')] } } }));
    const r = await cli(['inspect', '--config', solo]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^read_graph\s/m);
  });

  it('several servers and no --server names them', async () => {
    const r = await cli(['inspect', '--config', claude]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${claude} lists 2 servers: filesystem, memory; choose one with --server NAME`);
  });
});

describe.concurrent('VS Code style servers with comments', () => {
  const env = () => ({ MCPA_TEST_NAME: 'named-by-env', MCPA_TEST_URL: http.url, MCPA_TEST_TOKEN: 'vs-secret' });

  it('a stdio entry, with ${env:VAR} expanded into its env', async () => {
    const r = await cli(['inspect', '--json', '--config', vscode, '--server', 'paged'], env());
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout) as ToolCatalog;
    expect(catalog.server.name).toBe('named-by-env');
    expect(catalog.tools).toHaveLength(8);
  });

  it('a remote entry: url and Authorization header from the environment', async () => {
    const r = await cli(['inspect', '--json', '--config', vscode, '--server', 'remote'], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('(over Streamable HTTP)');
    expect((JSON.parse(r.stdout) as ToolCatalog).tools.map((t) => t.name)).toEqual(['add', 'echo']);
  });

  it('the same remote entry with a wrong token in the environment is a 401', async () => {
    const r = await cli(['inspect', '--config', vscode, '--server', 'remote'], { ...env(), MCPA_TEST_TOKEN: 'wrong' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`401 from ${http.url}: the server wants credentials; check the token`);
  });
});

describe.concurrent('only the chosen entry is expanded; unknown keys are refused (issue 17)', () => {
  it('--server remote works while the other entry uses a variable that is not set', async () => {
    const env = { MCPA_TEST_URL: http.url, MCPA_TEST_TOKEN: 'vs-secret' }; // MCPA_TEST_NAME, which "paged" uses, is not set
    const r = await cli(['inspect', '--config', vscode, '--server', 'remote'], env);
    expect(r.stderr).not.toContain('MCPA_TEST_NAME');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^echo\s/m);
    const other = await cli(['inspect', '--config', vscode, '--server', 'paged'], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('"env.FIXTURE_SERVER_NAME" uses ${MCPA_TEST_NAME}, which is not set');
  });

  it('"arg" for "args" stops at once with a did-you-mean, exit 2 (not a 30 s timeout)', async () => {
    const typo = join(tmp, 'typo.json');
    writeFileSync(typo, JSON.stringify({ mcpServers: { memory: { command: 'node', arg: [pkg('server-memory')] } } }));
    const r = await cli(['inspect', '--config', typo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mcp-actions: ${typo}: server "memory" has an unknown key "arg"; did you mean "args"? (mcp-actions reads "command", "args", "env", "cwd", "url", "headers", "type")\n`);
    expect(r.ms).toBeLessThan(20_000);
  });
});
