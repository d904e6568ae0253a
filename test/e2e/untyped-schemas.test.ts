/**
 * A server whose every inputSchema is only `{"$schema": …}` (what @modelcontextprotocol/server-gitlab 2025.4.25
 * sends when zod 4 is the zod it resolves: fixtures/tools/server-gitlab-untyped.json, captured from it) is
 * inspected, generated and served with every tool, with one warning per tool that matches what was produced.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ToolCatalog } from '../../src/mcp/catalog.js';
import { gptImportProblems } from '../helpers/gpt-import-rules.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { validateSpec } from '../helpers/swagger.js';
import { callTool, request, startAdapter, stdio, type Running } from './serve-helpers.js';

const FIXTURE = `${ROOT}fixtures/tools/server-gitlab-untyped.json`;
const SERVER = ['--', 'node', `${ROOT}fixtures/servers/catalog-server.mjs`, FIXTURE];
const catalog = JSON.parse(readFileSync(FIXTURE, 'utf8')) as ToolCatalog;
const names = catalog.tools.map((t) => t.name);
const WARNING = 'its inputSchema has no "type" and declares no properties; read as an object that takes any arguments (only the tool description says which)';

/** The warning lines of stderr, one per tool, in tool order. */
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '));
const expected = names.map((n) => `warning: tool "${n}": ${WARNING}`);

describe('a server whose schemas have no "type" (server-gitlab with zod 4)', { timeout: 120_000 }, () => {
  it('the fixture is what the issue describes: every schema only $schema', () => {
    expect(names).toHaveLength(9);
    for (const t of catalog.tools) expect(t.inputSchema).toEqual({ $schema: 'http://json-schema.org/draft-07/schema#' });
  });

  it('inspect lists every tool, warning once per tool', async () => {
    const r = await runCli(['inspect', '--json', ...SERVER]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ToolCatalog).tools).toEqual(catalog.tools);
    expect(warnings(r.stderr)).toEqual(expected);
    expect(r.stderr).toContain('gitlab-mcp-server 0.5.1 (over stdio): 9 tools');
  });

  it('generate openapi makes an operation of every tool, each taking an object, warning once per tool', async () => {
    const r = await runCli(['generate', 'openapi', '--server-url', 'https://api.example.com', ...SERVER]);
    expect(r.code).toBe(0);
    expect(warnings(r.stderr)).toEqual(expected);
    const spec = parse(r.stdout) as OpenAPIObject;
    await validateSpec(spec);
    expect(gptImportProblems(spec)).toEqual([]);
    // every tool's operation (get_job is a GET of its own)
    const ops = Object.values(spec.paths!).flatMap((p) => (p.post ? [p.post] : []));
    expect(ops.map((o) => o['x-mcp-tool'])).toEqual(names);
    for (const o of ops) expect((o.requestBody as { content: Record<string, { schema: { type: string } }> }).content['application/json']!.schema.type).toBe('object');
  });

  it('generate functions --strict makes every tool strict, its arguments one JSON object string, warning once per tool', async () => {
    const r = await runCli(['generate', 'functions', '--strict', ...SERVER]);
    expect(r.code).toBe(0);
    const tools = JSON.parse(r.stdout) as Array<{ function: { name: string; strict: boolean; parameters: Record<string, unknown> } }>;
    expect(tools.map((t) => t.function.name)).toEqual(names);
    expect(warnings(r.stderr)).toEqual(expected);
    // the model can send the arguments the server did not describe: all of them, as one JSON object string
    for (const t of tools) {
      expect(t.function.strict).toBe(true);
      expect(Object.keys(t.function.parameters.properties as object)).toEqual(['arguments']);
      expect((t.function.parameters.properties as Record<string, { type: string }>).arguments!.type).toBe('string');
    }
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-2)).toBe('9 Chat Completions function tools: 9 strict');
    expect(lines.at(-1)).toBe('9 of them take some arguments encoded (strings holding JSON, key/value lists): "$encoded" in the name map above says which; toMcpCall decodes them');
  });

  it('only an unreadable schema is refused: exit 2, naming the tool and the problem, not blaming a server error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-untyped-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ server: { name: 'bad', version: '1.0.0' }, tools: [catalog.tools[0], { name: 'b', inputSchema: { type: 'string' } }] }));
      const r = await runCli(['inspect', '--', 'node', 'fixtures/servers/catalog-server.mjs', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
        `mcp-actions: the tools/list answer of node fixtures/servers/catalog-server.mjs ${file} cannot be read: tools/list entry 1 ("b") has an inputSchema of "type": "string", which cannot describe a JSON object (what tool arguments and results are); the server answered, but not in the shape MCP defines; report it to the server's authors`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('serve', () => {
    let running: Running;
    beforeAll(async () => {
      running = await startAdapter(stdio(`${ROOT}fixtures/servers/catalog-server.mjs`, [FIXTURE]));
    });
    afterAll(async () => {
      await running?.close();
    });

    it('publishes every tool, warns once per tool, and passes any arguments object through', async () => {
      const spec = (await request(`${running.url}/openapi.json`)).body as OpenAPIObject;
      expect(Object.values(spec.paths!).flatMap((p) => (p.post ? [p.post['x-mcp-tool']] : []))).toEqual(names);
      expect(running.adapter.published.notes.filter((n) => n.code === 'schema-untyped').map((n) => `warning: tool "${n.tool}": ${n.message}`)).toEqual(expected);
      const args = { project_id: 'group/project', title: 'Bug', labels: ['x'] };
      const answer = await callTool(running.url, 'create_issue', args);
      expect(answer.status).toBe(200);
      expect(answer.body.result).toBe(`create_issue ${JSON.stringify(args)}`);
      // still an object: a body that is not one is refused as for any tool
      expect((await callTool(running.url, 'create_issue', [1])).status).toBe(400);
    });
  });
});
