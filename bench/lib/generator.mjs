/**
 * Timings of the CLI and the generator: `buildSpec` on a synthetic 1,000-tool catalog with `$defs`,
 * `mcp-actions --version` cold start, `generate openapi` on server-everything end to end, and validating a
 * 30-operation spec. Each part is skipped with a reason when the code it needs has not landed yet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reapedChildrenCpuMs } from './procs.mjs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** Wall time in ms of `node …args`, which must exit 0; `cpu` collects the CPU ms it used. */
function timeSpawn(args, cwd, cpu = []) {
  const cpu0 = reapedChildrenCpuMs();
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const ms = performance.now() - t0;
  cpu.push(reapedChildrenCpuMs() - cpu0);
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${String(result.stderr).trim().slice(0, 300)}`);
  }
  return ms;
}

/**
 * True when the built CLI has the command `words` (e.g. ['generate', 'openapi']): its help starts with
 * "Usage: mcp-actions generate openapi" (commander prints the root help for an unknown command).
 */
export function hasCommand(cli, words) {
  if (!existsSync(cli)) return false;
  const result = spawnSync(process.execPath, [cli, ...words, '--help'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 && result.stdout.startsWith(`Usage: mcp-actions ${words.join(' ')} `);
}

/** A deterministic catalog of n tools whose input schemas use `$defs` and `$ref`, like real servers do. */
export function syntheticCatalog(n) {
  const tools = [];
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(4, '0');
    tools.push({
      name: `tool_${id}`,
      title: `Tool ${id}`,
      description: `Synthetic tool number ${i}: searches records by query, filter and sort order.`,
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'What to search for', minLength: 1 },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
          sort: { type: 'string', enum: ['asc', 'desc'] },
          filter: { $ref: '#/$defs/Filter' },
          items: { type: 'array', items: { $ref: '#/$defs/Item' } },
        },
        required: ['query'],
        additionalProperties: false,
        $defs: {
          Filter: {
            type: 'object',
            properties: {
              field: { type: 'string' },
              op: { type: 'string', enum: ['eq', 'ne', 'lt', 'gt'] },
              value: { anyOf: [{ type: 'string' }, { type: 'number' }] },
            },
            required: ['field', 'op'],
          },
          Item: {
            type: 'object',
            properties: {
              id: { type: 'string', format: 'uuid' },
              tags: { type: 'array', items: { type: 'string' } },
              where: { $ref: '#/$defs/Filter' },
            },
          },
        },
      },
      ...(i % 3 === 0
        ? { outputSchema: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] } }
        : {}),
      annotations: { readOnlyHint: i % 2 === 0, destructiveHint: false },
    });
  }
  return { server: { name: 'bench-synthetic', version: '1.0.0' }, tools };
}

/**
 * 1,000 operations exceed the GPT profile's 30: the generic profile builds every one of them (the most work);
 * the 30-tool spec for `validate` uses the default GPT Actions profile.
 */
export const LARGE_OPTIONS = { serverUrl: 'https://api.example.com', profile: 'generic' };
/** Fresh processes that each time buildSpec's first call; the median counts. */
const BUILD_SPEC_PROCESSES = 5;
const GPT_OPTIONS = { serverUrl: 'https://api.example.com' };
/** The 30-operation spec: 29 tools and `GET /jobs/{id}` (ChatGPT's limit is 30 operations per action). */
export const VALIDATE_TOOLS = 29;
/** buildSpec returns { spec, operations, notes }; accept a bare spec too. */
const specOf = (built) => (built && typeof built === 'object' && 'spec' in built ? built.spec : built);

async function loadLibrary(root) {
  const index = join(root, 'dist', 'index.js');
  return existsSync(index) ? import(pathToFileURL(index).href) : {};
}

/**
 * @returns {Promise<Record<string, {ms?: number, warmMs?: number, baselineMs?: number, skipped?: string, error?: string}>>}
 */
export async function timeGenerator({ root, everything, spawns }) {
  const cli = join(root, 'dist', 'cli.js');
  const lib = await loadLibrary(root);
  const out = {};
  const attempt = async (key, fn) => {
    try {
      out[key] = await fn();
    } catch (error) {
      out[key] = { error: error instanceof Error ? error.message : String(error) };
    }
  };

  // In fresh node processes (bench/build-spec.mjs --child): the CLI's situation, where `generate openapi` calls
  // buildSpec once, and not this process's heap, which the load phases have filled with their own garbage.
  await attempt('buildSpec', async () => {
    if (typeof lib.buildSpec !== 'function') return { skipped: 'buildSpec is not exported by dist/index.js yet' };
    const script = join(root, 'bench', 'build-spec.mjs');
    const runs = [];
    for (let i = 0; i < BUILD_SPEC_PROCESSES; i++) {
      const run = spawnSync(process.execPath, [script, '--child', join(root, 'dist')], { encoding: 'utf8', timeout: 60_000 });
      if (run.status !== 0) throw new Error(`bench/build-spec.mjs --child exited ${run.status}: ${String(run.stderr).trim().slice(0, 300)}`);
      runs.push(JSON.parse(run.stdout));
    }
    const pick = (key) => median(runs.map((r) => r[key]));
    return { ms: pick('first'), cpuMs: pick('firstCpu'), warmMs: pick('warm'), processes: BUILD_SPEC_PROCESSES, firstEach: runs.map((r) => r.first) };
  });

  await attempt('coldStart', async () => {
    if (!existsSync(cli)) return { skipped: 'dist/cli.js not built' };
    const runs = [];
    const baseline = [];
    const cpu = [];
    for (let i = 0; i < spawns; i++) {
      runs.push(timeSpawn([cli, '--version'], root, cpu));
      baseline.push(timeSpawn(['-e', '0'], root));
    }
    return { ms: median(runs), cpuMs: median(cpu), baselineMs: median(baseline) };
  });

  await attempt('generateOpenapi', async () => {
    if (!hasCommand(cli, ['generate', 'openapi'])) return { skipped: '`generate openapi` not available yet' };
    const args = [cli, 'generate', 'openapi', '--server-url', 'https://api.example.com', '--', process.execPath, everything, 'stdio'];
    const runs = [];
    const cpu = [];
    for (let i = 0; i < 3; i++) runs.push(timeSpawn(args, root, cpu));
    return { ms: median(runs), cpuMs: median(cpu) };
  });

  await attempt('validate30', async () => {
    if (typeof lib.buildSpec !== 'function') return { skipped: 'needs buildSpec to make the spec' };
    if (!hasCommand(cli, ['validate'])) return { skipped: '`validate` not available yet' };
    const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-bench-'));
    try {
      const file = join(dir, 'spec.json');
      writeFileSync(file, JSON.stringify(specOf(lib.buildSpec(syntheticCatalog(VALIDATE_TOOLS), GPT_OPTIONS)), null, 2));
      const runs = [];
      const cpu = [];
      for (let i = 0; i < 3; i++) runs.push(timeSpawn([cli, 'validate', file], root, cpu));
      const baseline = median(Array.from({ length: 3 }, () => timeSpawn(['-e', '0'], root)));
      return { ms: median(runs), cpuMs: median(cpu), baselineMs: baseline };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return out;
}
