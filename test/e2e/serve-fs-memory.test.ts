/**
 * server-filesystem (on temp dirs) and server-memory (on temp files): two instances with the same starting
 * state, one behind the adapter and one behind a direct SDK client, get the same calls in the same order
 * and must answer the same (after replacing each side's root directory).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSdk, type SdkConnection } from '../helpers/sdk-client.js';
import { FILESYSTEM, MEMORY, startAdapter, stdio, type Running } from './serve-helpers.js';
import { expectParity, withoutTimes, type ParityCase } from './serve-parity.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mcp-actions-serve-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3a0c0b30000000049454e44ae426082', 'hex');

describe('server-filesystem', () => {
  let run: Running;
  let direct: SdkConnection;
  let roots: { direct: string; adapter: string };
  beforeAll(async () => {
    roots = { direct: join(scratch, 'fs-direct'), adapter: join(scratch, 'fs-adapter') };
    for (const root of Object.values(roots)) {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 'pixel.png'), PNG);
    }
    run = await startAdapter(stdio(FILESYSTEM, [roots.adapter]));
    direct = await connectSdk(stdio(FILESYSTEM, [roots.direct]));
  });
  afterAll(async () => {
    await direct?.close();
    await run?.close();
  });

  const at = (make: (root: string) => Record<string, unknown>) => () => ({ direct: make(roots.direct), adapter: make(roots.adapter) });
  const steps: [string, () => ParityCase['args']][] = [
    ['list_allowed_directories', () => ({ direct: {}, adapter: {} })],
    ['write_file', at((r) => ({ path: join(r, 'a.txt'), content: 'alpha\nbeta\ngamma\n' }))],
    ['read_text_file', at((r) => ({ path: join(r, 'a.txt') }))],
    ['read_text_file', at((r) => ({ path: join(r, 'a.txt'), head: 1 }))],
    ['read_file', at((r) => ({ path: join(r, 'a.txt'), tail: 1 }))],
    ['create_directory', at((r) => ({ path: join(r, 'sub') }))],
    ['write_file', at((r) => ({ path: join(r, 'sub', 'b.md'), content: '# B\n' }))],
    ['read_multiple_files', at((r) => ({ paths: [join(r, 'a.txt'), join(r, 'sub', 'b.md'), join(r, 'missing.txt')] }))],
    ['list_directory', at((r) => ({ path: r }))],
    ['list_directory_with_sizes', at((r) => ({ path: r, sortBy: 'size' }))],
    ['directory_tree', at((r) => ({ path: r }))],
    ['search_files', at((r) => ({ path: r, pattern: '**/*.md' }))],
    ['get_file_info', at((r) => ({ path: join(r, 'a.txt') }))],
    ['edit_file', at((r) => ({ path: join(r, 'a.txt'), edits: [{ oldText: 'beta', newText: 'BETA' }], dryRun: true }))],
    ['edit_file', at((r) => ({ path: join(r, 'a.txt'), edits: [{ oldText: 'beta', newText: 'BETA' }] }))],
    ['move_file', at((r) => ({ source: join(r, 'sub', 'b.md'), destination: join(r, 'sub', 'c.md') }))],
    ['read_media_file', at((r) => ({ path: join(r, 'pixel.png') }))],
    ['read_text_file', at((r) => ({ path: join(r, 'nope.txt') }))],
    ['read_text_file', at(() => ({ path: '/etc/hostname' }))],
  ];

  it('covers every tool of the server', () => {
    expect(new Set(steps.map(([t]) => t))).toEqual(new Set(run.upstream.catalog.tools.map((t) => t.name)));
  });

  it('answers every call as a direct client gets it, in order', async () => {
    const normalize = (s: string) => withoutTimes(s.split(roots.adapter).join('<ROOT>').split(roots.direct).join('<ROOT>'));
    const statuses: number[] = [];
    for (const [tool, args] of steps) statuses.push(await expectParity(direct.client, run.url, run.adapter.published.spec, { tool, args: args() }, normalize));
    // the two last calls are refused by the server (missing file, outside the allowed directories)
    expect(statuses.slice(-2)).toEqual([422, 422]);
    expect(statuses.slice(0, -2).every((s) => s === 200)).toBe(true);
  });
});

describe('server-memory', () => {
  let run: Running;
  let direct: SdkConnection;
  beforeAll(async () => {
    run = await startAdapter(stdio(MEMORY, [], { MEMORY_FILE_PATH: join(scratch, 'memory-adapter.jsonl') }));
    direct = await connectSdk(stdio(MEMORY, [], { MEMORY_FILE_PATH: join(scratch, 'memory-direct.jsonl') }));
  });
  afterAll(async () => {
    await direct?.close();
    await run?.close();
  });

  const same = (args: Record<string, unknown>) => ({ direct: args, adapter: args });
  const steps: [string, Record<string, unknown>][] = [
    ['create_entities', { entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }, { name: 'Engine', entityType: 'machine', observations: [] }] }],
    ['create_relations', { relations: [{ from: 'Ada', to: 'Engine', relationType: 'programmed' }] }],
    ['add_observations', { observations: [{ entityName: 'Ada', contents: ['born 1815'] }] }],
    ['read_graph', {}],
    ['search_nodes', { query: 'program' }],
    ['open_nodes', { names: ['Engine'] }],
    ['delete_observations', { deletions: [{ entityName: 'Ada', observations: ['born 1815'] }] }],
    ['delete_relations', { relations: [{ from: 'Ada', to: 'Engine', relationType: 'programmed' }] }],
    ['delete_entities', { entityNames: ['Engine'] }],
    ['read_graph', {}],
    ['add_observations', { observations: [{ entityName: 'Nobody', contents: ['x'] }] }],
  ];

  it('covers every tool of the server', () => {
    expect(new Set(steps.map(([t]) => t))).toEqual(new Set(run.upstream.catalog.tools.map((t) => t.name)));
  });

  it('answers every call as a direct client gets it, in order', async () => {
    const statuses: number[] = [];
    for (const [tool, args] of steps) statuses.push(await expectParity(direct.client, run.url, run.adapter.published.spec, { tool, args: same(args) }));
    expect(statuses.at(-1)).toBe(422);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
  });
});
