#!/usr/bin/env node
/**
 * Focused micro-benchmark for issue 8's "validating a 30-operation spec ≤ 300 ms": times `node dist/cli.js
 * validate SPEC` end to end on the same synthetic 30-operation spec (29 tools and `GET /jobs/{id}`) that
 * `npm run bench` uses (bench/lib/generator.mjs), interleaved with `node -e 0`, and prints the medians of wall time and CPU time (user + system).
 * Run `npm run build` first. Options: --runs N (default 15) · --yaml (write the spec as YAML too) ·
 * --cli PATH (repeatable: time these built CLIs side by side instead of dist/cli.js, e.g. a build of main).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { syntheticCatalog, VALIDATE_TOOLS } from './lib/generator.mjs';
import { reapedChildrenCpuMs } from './lib/procs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, yaml: { type: 'boolean', default: false }, cli: { type: 'string', multiple: true } },
});
const runs = Number(opts.runs);
const clis = (opts.cli ?? [join(root, 'dist', 'cli.js')]).map((p) => resolve(p));
for (const cli of clis) if (!existsSync(cli)) throw new Error(`${cli} not built: run \`npm run build\` first`);

const lib = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

function time(args) {
  const cpu0 = reapedChildrenCpuMs();
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  const cpu = reapedChildrenCpuMs() - cpu0;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${String(result.stderr).slice(0, 300)}`);
  return { ms, cpu };
}

const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-bench-validate-'));
try {
  const { spec } = lib.buildSpec(syntheticCatalog(VALIDATE_TOOLS), { serverUrl: 'https://api.example.com' });
  const files = { json: join(dir, 'spec.json') };
  writeFileSync(files.json, JSON.stringify(spec, null, 2));
  if (opts.yaml) {
    files.yaml = join(dir, 'spec.yaml');
    writeFileSync(files.yaml, lib.serializeSpec ? lib.serializeSpec(spec, 'yaml') : (await import('yaml')).stringify(spec));
  }
  const samples = { 'node -e 0': [] };
  const label = (cli, k) => `validate ${k}${clis.length > 1 ? ` ${cli.replace(`${root}/`, '')}` : ''}`;
  for (const cli of clis) for (const k of Object.keys(files)) samples[label(cli, k)] = [];
  for (let i = 0; i < runs; i++) {
    samples['node -e 0'].push(time(['-e', '0']));
    for (const cli of clis) for (const [k, file] of Object.entries(files)) samples[label(cli, k)].push(time([cli, 'validate', file]));
  }
  const width = Math.max(...Object.keys(samples).map((k) => k.length));
  for (const [k, s] of Object.entries(samples)) {
    console.log(`${k.padEnd(width)}  wall ${median(s.map((x) => x.ms)).toFixed(0).padStart(5)} ms   cpu ${median(s.map((x) => x.cpu)).toFixed(0).padStart(5)} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
