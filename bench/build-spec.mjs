/**
 * Micro-benchmark of `buildSpec` on the synthetic 1,000-tool catalog that `npm run bench` uses (generic
 * profile: every tool becomes an operation). Each of N fresh node processes (default 7) times the first call
 * and the median of 4 warm calls, wall and CPU ms; the medians across processes are printed.
 * Usage: `npm run build && node bench/build-spec.mjs [N] [DIST_DIR…]`. Several dist directories (e.g. a copy
 * of an older build) are run interleaved, so a shared machine's load hits them alike.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');

async function child(dist) {
  const { buildSpec } = await import(pathToFileURL(join(dist, 'index.js')).href);
  const { syntheticCatalog, LARGE_OPTIONS: options } = await import('./lib/generator.mjs');
  const catalog = syntheticCatalog(1000);
  const runs = [];
  const cpus = [];
  for (let i = 0; i < 5; i++) {
    const input = structuredClone(catalog);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const built = buildSpec(input, options);
    runs.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpus.push((used.user + used.system) / 1000);
    // 1,000 tool operations (the spec also has GET /jobs/{id} since long-running tools became jobs)
    if (Object.keys(built.spec.paths).filter((p) => p.startsWith('/tools/')).length !== 1000) throw new Error('buildSpec did not build 1,000 tool operations');
  }
  return { first: runs[0], firstCpu: cpus[0], warm: median(runs.slice(1)), warmCpu: median(cpus.slice(1)) };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await child(process.argv[3])));
} else {
  const n = Number(process.argv[2] ?? 7);
  const dists = process.argv.length > 3 ? process.argv.slice(3).map((d) => resolve(d)) : [join(root, 'dist')];
  const results = new Map(dists.map((d) => [d, []]));
  for (let i = 0; i < n; i++) {
    for (const dist of dists) {
      const run = spawnSync(process.execPath, [here, '--child', dist], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      results.get(dist).push(JSON.parse(run.stdout));
    }
  }
  for (const [dist, rows] of results) {
    const pick = (key) => median(rows.map((r) => r[key])).toFixed(1);
    console.log(`${dist}: buildSpec 1,000 tools, median of ${n} processes: first ${pick('first')} ms (cpu ${pick('firstCpu')}), warm ${pick('warm')} ms (cpu ${pick('warmCpu')})`);
  }
}
