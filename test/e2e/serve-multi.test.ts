/**
 * `serve --config mcp.json` with three servers, one of which dies at start-up: the two others are served
 * under /{server}/tools/{name} with one combined spec, the broken one answers 503 + Retry-After, is
 * reported with its stderr tail and retried; once it starts, its routes and the spec follow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineSpecs, type SpecPart } from '../../src/adapter/combine-specs.js';
import { ProblemsFoundError } from '../../src/errors.js';
import { OPERATION_ID_PATTERN } from '../../src/openapi/naming.js';
import { validateSpecText } from '../../src/validate/validate-spec.js';
import { request, stopChild } from './serve-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-multi-'));
const crash = join(dir, 'crash');
let child: ChildProcess | undefined;
let url = '';
let stderr = '';
const post = (path: string, args: unknown) => request(`${url}${path}`, { method: 'POST', json: args });

beforeAll(async () => {
  writeFileSync(crash, '');
  const server = (script: string, env: Record<string, string> = {}) => ({ command: process.execPath, args: [resolve(script)], env });
  writeFileSync(
    join(dir, 'mcp.json'),
    JSON.stringify({
      mcpServers: {
        demo: server('fixtures/servers/demo.mjs'),
        faults: server('fixtures/servers/fault-server.mjs'),
        broken: server('fixtures/servers/fault-server.mjs', { FAULT_CRASH_FILE: crash }),
      },
    }),
  );
  child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--config', join(dir, 'mcp.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  url = await new Promise<string>((ok, fail) => {
    let out = '';
    child!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) ok(out.split('\n')[0]!);
    });
    child!.once('exit', (code) => fail(new Error(`serve exited ${code}: ${stderr}`)));
  });
});
afterAll(async () => {
  if (child) await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
});

describe('several servers from one config file', () => {
  it('publishes one combined spec with prefixed operationIds under /{server}/tools/…', async () => {
    const spec = (await request(`${url}/openapi.json`)).body;
    const paths = Object.keys(spec.paths);
    expect(paths).toContain('/demo/tools/add');
    expect(paths).toContain('/faults/tools/echo');
    expect(paths.some((p) => p.startsWith('/broken/'))).toBe(false);
    const ids = paths.map((p) => (spec.paths[p].post ?? spec.paths[p].get).operationId);
    // one get_job for every server (they share the job store), counted once
    expect(paths.filter((p) => p.endsWith('/jobs/{id}'))).toEqual(['/jobs/{id}']);
    expect(spec.paths['/jobs/{id}'].get.operationId).toBe('get_job');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(OPERATION_ID_PATTERN);
    expect(spec.paths['/demo/tools/add'].post.operationId).toBe('demo_add');
    expect(spec.paths['/faults/tools/echo'].post.operationId).toBe('faults_echo');
    expect(spec.servers).toEqual([{ url }]);
    const yaml = await request(`${url}/openapi.yaml`);
    expect(yaml.text).toContain('/faults/tools/echo:');
    const report = await validateSpecText(yaml.text, 'combined.yaml', { profile: 'generic' });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('serves each server and its own spec under its prefix', async () => {
    expect((await post('/demo/tools/add', { a: 2, b: 3 })).status).toBe(200);
    const echo = await post('/faults/tools/echo', { id: 'multi' });
    expect(echo.body.id).toBe('multi');
    const own = (await request(`${url}/faults/openapi.json`)).body;
    expect(own.servers).toEqual([{ url: `${url}/faults` }]);
    expect(Object.keys(own.paths)).toContain('/tools/echo');
    expect((await post('/faults/tools/nope', {})).status).toBe(404);
    expect((await request(`${url}/nowhere/tools/x`, { method: 'POST', json: {} })).status).toBe(404);
    const docs = await request(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/docs/swagger-ui-bundle.js');
    expect((await request(`${url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('reports the server that failed to start, answers its routes 503 + Retry-After, and retries it', async () => {
    expect(stderr).toMatch(/"server":"broken".*upstream failed to start/);
    expect(stderr).toContain('cannot open the database');
    expect(stderr).toMatch(/\/broken: NOT STARTED/);
    const down = await post('/broken/tools/echo', { id: 'b' });
    expect(down.status).toBe(503);
    expect(down.body.error.type).toBe('upstream_unavailable');
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const ready = await request(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.servers).toMatchObject({ demo: 'ready', faults: 'ready' });
    const before = (await request(`${url}/openapi.json`)).body.info.version;

    rmSync(crash);
    await expect.poll(async () => (await post('/broken/tools/echo', { id: 'b' })).status, { timeout: 15_000, interval: 250 }).toBe(200);
    const spec = (await request(`${url}/openapi.json`)).body;
    expect(spec.paths['/broken/tools/echo'].post.operationId).toBe('broken_echo');
    expect(spec.info.version).not.toBe(before);
    expect((await request(`${url}/readyz`)).status).toBe(200);
  }, 25_000);
});

describe('combineSpecs', () => {
  const part = (name: string, n: number): SpecPart & { spec: { paths: Record<string, { post: unknown }> } } => ({
    name,
    spec: {
      openapi: '3.1.0',
      info: { title: name, version: '1' },
      paths: Object.fromEntries(Array.from({ length: n }, (_, i) => [`/tools/t${i}`, { post: { operationId: `t${i}`, 'x-mcp-tool': `t${i}`, responses: {} } }])),
      components: { schemas: { Error: { type: 'object', properties: { name: { const: name } } } } },
    } as unknown as SpecPart['spec'] & { paths: Record<string, { post: unknown }> },
  });

  it('refuses more operations than ChatGPT imports under the gpt-actions profile', () => {
    expect(() => combineSpecs([part('a', 16), part('b', 15)], { serverUrl: 'https://x.example.com', profile: 'gpt-actions' })).toThrow(ProblemsFoundError);
    expect(Object.keys(combineSpecs([part('a', 16), part('b', 15)], { serverUrl: 'https://x.example.com', profile: 'generic' }).paths!)).toHaveLength(31);
  });

  it('renames components two servers define differently, with their $refs', () => {
    const a = part('a', 1);
    const b = part('b', 1);
    (b.spec.paths['/tools/t0']!.post as Record<string, unknown>).responses = { 400: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } };
    const spec = combineSpecs([a, b], { serverUrl: 'https://x.example.com', profile: 'generic' });
    expect(Object.keys(spec.components!.schemas!)).toEqual(['Error', 'b_Error']);
    expect(JSON.stringify(spec.paths!['/b/tools/t0'])).toContain('#/components/schemas/b_Error');
  });
});
