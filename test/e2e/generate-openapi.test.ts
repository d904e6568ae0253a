/**
 * E2E: the built CLI against real MCP servers over stdio (server-everything, server-filesystem on a
 * temp dir, server-memory) and the fixture servers. Every spec must pass swagger-parser and ChatGPT's
 * import rules, and carry x-openai-isConsequential: true exactly on the tools not annotated read-only.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requiresTask } from '../../src/mcp/catalog.js';
import { listTools } from '../../src/mcp/introspect.js';
import type { StdioTarget } from '../../src/mcp/target.js';
import { gptImportProblems } from '../helpers/gpt-import-rules.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { validateSpec } from '../helpers/swagger.js';

const URL_FLAG = ['--server-url', 'https://api.example.com'];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mcp-actions-gen-'));
  await writeFile(join(tmp, 'hello.txt'), 'hello\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const servers: [string, () => string[]][] = [
  ['server-everything', () => ['node', `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`, 'stdio']],
  ['server-filesystem', () => ['node', `${ROOT}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js`, tmp]],
  ['server-memory', () => ['node', `${ROOT}node_modules/@modelcontextprotocol/server-memory/dist/index.js`]],
];

describe('generate openapi against real servers over stdio', { timeout: 120_000 }, () => {
  it.each(servers)('%s', async (name, argv) => {
    const command = argv();
    const env = { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') };
    const result = await runCli(['generate', 'openapi', ...URL_FLAG, '--env', `MEMORY_FILE_PATH=${env.MEMORY_FILE_PATH}`, '--', ...command]);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const spec = parse(result.stdout) as OpenAPIObject;
    await validateSpec(spec);
    expect(gptImportProblems(spec)).toEqual([]);

    // the truth about read-only tools, read from the server itself
    const target: StdioTarget = { kind: 'stdio', command: command[0]!, args: command.slice(1), env };
    const catalog = await listTools(target, { timeoutMs: 60_000, baseEnv: process.env });
    const readOnly = new Set(catalog.tools.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name));
    const operations = Object.values(spec.paths!).flatMap((p) => (p.post ? [p.post] : []));
    // every tool, task-only ones included (the adapter runs them as MCP tasks), plus get_job
    expect(operations.map((o) => o['x-mcp-tool']).sort()).toEqual(catalog.tools.map((t) => t.name).sort());
    expect(spec.paths!['/jobs/{id}']!.get!.operationId).toBe('get_job');
    expect(result.stderr).not.toContain('left out');
    if (name === 'server-everything') expect(catalog.tools.filter(requiresTask).map((t) => t.name)).toEqual(['simulate-research-query']);
    for (const o of operations) expect(o['x-openai-isConsequential'], o['x-mcp-tool']).toBe(!readOnly.has(o['x-mcp-tool']));
    expect(readOnly.size).toBeGreaterThan(0);
    expect(readOnly.size).toBeLessThan(operations.length);
  });
});

describe('generate openapi: output, options and errors', { timeout: 120_000 }, () => {
  const demo = ['--', 'node', 'fixtures/servers/demo.mjs'];
  const catalogServer = (fixture: string) => ['--', 'node', 'fixtures/servers/catalog-server.mjs', `fixtures/tools/${fixture}.json`];

  it('prints the golden spec of the demo server (what npm start prints), diagnostics on stderr only', async () => {
    const result = await runCli(['generate', 'openapi', ...URL_FLAG, ...demo]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await readFile(join(ROOT, 'fixtures/golden/demo.yaml'), 'utf8'));
    expect(result.stderr).toContain('demo-notes 1.2.0: 5 tools → 6 operations');
  });

  it('-o FILE.json writes JSON; --format json prints JSON; both equal the YAML spec', async () => {
    const file = join(tmp, 'spec.json');
    const written = await runCli(['generate', 'openapi', ...URL_FLAG, '-o', file, ...demo]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    const printed = await runCli(['generate', 'openapi', ...URL_FLAG, '--format', 'json', ...demo]);
    expect(printed.stdout).toBe(await readFile(file, 'utf8'));
    const yaml = parse(await readFile(join(ROOT, 'fixtures/golden/demo.yaml'), 'utf8'));
    expect(JSON.parse(printed.stdout)).toEqual(yaml);
  });

  it('--template merges contact and license under the spec', async () => {
    const result = await runCli(['generate', 'openapi', ...URL_FLAG, '--template', 'fixtures/templates/base.yaml', ...demo]);
    expect(result.code).toBe(0);
    const spec = parse(result.stdout) as OpenAPIObject;
    expect(spec.info.contact).toEqual({ name: 'Demo team', email: 'demo@example.com' });
    expect(spec.info.title).toBe('Demo notes & weather');
    expect(spec.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(result.stderr).toContain('the template\'s "servers" is ignored');
  });

  it('auth, consequential and include flags reach the spec', async () => {
    const result = await runCli(['generate', 'openapi', ...URL_FLAG, '--auth', 'api-key', '--api-key-header', 'X-Demo-Key', '--consequential', 'all', '--include', '*_note*', '--exclude', 'delete_*', ...demo]);
    expect(result.code).toBe(0);
    const spec = parse(result.stdout) as OpenAPIObject;
    expect(Object.keys(spec.paths!)).toEqual(['/tools/create_note', '/tools/list_notes', '/jobs/{id}']);
    expect(Object.values(spec.paths!).every((p) => (p.post ?? p.get)!['x-openai-isConsequential'] === !p.get)).toBe(true);
    expect(spec.components!.securitySchemes).toEqual({ apiKey: { type: 'apiKey', in: 'header', name: 'X-Demo-Key' } });
  });

  it('40 tools: exit 1 naming --include/--exclude and --overflow generic; --overflow generic works', async () => {
    const failed = await runCli(['generate', 'openapi', ...URL_FLAG, ...catalogServer('forty-tools')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/40 tools.*at most 29 operations for tools \(30 per action, less get_job\).*--include\/--exclude.*--overflow generic/);
    const ok = await runCli(['generate', 'openapi', ...URL_FLAG, '--overflow', 'generic', ...catalogServer('forty-tools')]);
    expect(ok.code).toBe(0);
    expect(Object.keys((parse(ok.stdout) as OpenAPIObject).paths!)).toHaveLength(30);
    expect(ok.stdout).toBe(await readFile(join(ROOT, 'fixtures/golden/forty-tools.overflow.yaml'), 'utf8'));
  });

  it('shortenings are reported on stderr; --fail-on-shorten exits 1', async () => {
    const warned = await runCli(['generate', 'openapi', ...URL_FLAG, ...catalogServer('long-description')]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('warning: tool "search_archive": the description shortened from 7000 to 158 characters (ChatGPT allows 300)');
    const failed = await runCli(['generate', 'openapi', ...URL_FLAG, '--fail-on-shorten', ...catalogServer('long-description')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('error: tool "search_archive": the description shortened from 7000');
  });

  it.each([
    [['--server-url', 'http://api.example.com'], /--server-url "http:\/\/api.example.com" is not https/],
    [['--server-url', 'https://api.example.com:8443'], /has a port/],
    [['--server-url', 'https://localhost'], /is local/],
    [[], /--server-url is required/],
    [[...URL_FLAG, '--auth', 'oauth'], /--auth oauth needs --oauth-issuer, or --oauth-authorization-url and --oauth-token-url/],
    [[...URL_FLAG, '--api-key-header', 'X-K'], /--api-key-header only applies to --auth api-key/],
    [[...URL_FLAG, '--template', 'nope.yaml'], /cannot read the template nope.yaml/],
    [[...URL_FLAG, '--profile', 'chatgpt'], /argument 'chatgpt' is invalid/],
  ])('usage errors exit 2 before connecting: %j', async (flags, message) => {
    const result = await runCli(['generate', 'openapi', ...flags, '--', 'node', '-e', 'process.exit(9)']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('connecting');
  });

  it('a server that cannot start: exit 2', async () => {
    const result = await runCli(['generate', 'openapi', ...URL_FLAG, '--', 'node', '-e', 'process.exit(3)']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
