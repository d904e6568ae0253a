#!/usr/bin/env node
/**
 * Where does a front's time go? Starts one front (default: adapter) under `node --cpu-prof`, drives it with
 * 32 concurrent echo callers for a few seconds, stops it (SIGTERM: the front must exit normally for V8 to write
 * the profile), and prints the functions with the most self time and the packages/files with the most
 * inclusive time. The .cpuprofile stays in .tmp/profiles/ for a flame graph (Chrome DevTools, speedscope).
 *
 * Usage: node bench/profile.mjs [adapter|reference|supergateway|mcp-proxy] [--seconds S] [--top N]
 *        [--concurrency N] [--sequential] [--callers FN]... (who calls FN: default the socket/pipe writes)
 *        [--alloc] (instead of CPU: the bytes allocated per call, by function and by package/file, from V8's
 *        sampling heap profiler counting what the GC freed too: where the front's young-generation garbage comes from)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineFronts } from './lib/fronts.mjs';
import { runLoad, warmUp } from './lib/load.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '25' },
    concurrency: { type: 'string', default: '32' },
    sequential: { type: 'boolean', default: false },
    callers: { type: 'string', multiple: true, default: ['writev', 'writeUtf8String'] },
    alloc: { type: 'boolean', default: false },
  },
});
const name = positionals[0] ?? 'adapter';
const concurrency = opts.sequential ? 1 : Number(opts.concurrency);
const dir = join(root, '.tmp', 'profiles', name);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const everything = join(root, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const records = [];
const fronts = defineFronts({
  root,
  everything,
  concurrency,
  records,
  nodeArgs: opts.alloc ? ['--require', join(root, 'bench', 'lib', 'alloc-sampler.cjs')] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'],
});
const allocFile = join(dir, 'alloc.heapprofile');
if (opts.alloc) process.env.MCP_ACTIONS_ALLOC_OUT = allocFile; // the fronts inherit this process's environment
if (!(name in fronts) || name === 'direct') throw new Error(`cannot profile "${name}"`);
const front = await fronts[name]();
let load;
const window = { start: 0, end: Infinity };
try {
  // the same warm-up as bench/run.mjs: until 5,000 calls (V8 optimises by calls), 1-15 s
  await warmUp(front.call, { concurrency, minSeconds: 1, calls: 5000, maxSeconds: 15 });
  const cpu0 = front.frontCpuMs();
  // V8's profile clock and process.hrtime are both CLOCK_MONOTONIC in µs: only samples taken while the
  // measured load ran are summarised (no start-up, no warm-up, no shutdown).
  window.start = Number(process.hrtime.bigint() / 1000n);
  if (opts.alloc) await signalFront(front.frontPid); // sampling starts
  load = await runLoad(front.call, { concurrency, seconds: Number(opts.seconds) });
  window.end = Number(process.hrtime.bigint() / 1000n);
  if (opts.alloc) await signalFront(front.frontPid, allocFile); // sampling stops, the profile is written
  const cpuUs = ((front.frontCpuMs() - cpu0) * 1000) / load.calls;
  process.stdout.write(
    `${name}: ${Math.round(load.perSecond)} calls/s with ${concurrency} caller(s), ${Math.round(cpuUs)} µs front CPU/call ` +
      `(under the profiler), ${load.errors} errors${load.firstError ? ` (${load.firstError})` : ''}\n`,
  );
} finally {
  await front.stop();
}
if (opts.alloc) {
  summarizeAllocations(JSON.parse(readFileSync(allocFile, 'utf8')), Number(opts.top), load.calls);
  process.stdout.write(`profile: ${relative(process.cwd(), allocFile)}\n`);
  process.exit(0);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
if (files.length === 0) {
  process.stderr.write(`no profile written in ${dir}: the front did not exit normally on SIGTERM\n`);
  process.exit(1);
}
summarize(JSON.parse(readFileSync(join(dir, files[0]), 'utf8')), Number(opts.top), window, load.calls);
process.stdout.write(`profile: ${relative(process.cwd(), join(dir, files[0]))}\n`);

/** SIGUSR2 to the front (bench/lib/alloc-sampler.cjs); with `file`, waits until the front has written it. */
async function signalFront(pid, file) {
  process.kill(pid, 'SIGUSR2');
  if (!file) return new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!existsSync(file)) throw new Error(`the front wrote no allocation profile to ${file} within 10 s`);
}

/** Bytes allocated per call: self by function, inclusive by package / file (once per package on a stack). */
function summarizeAllocations(profile, top, calls) {
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  const walk = (node, cats) => {
    const f = node.callFrame;
    const cat = f.url ? categoryOf(f.url) : undefined;
    const here = cat && !cats.includes(cat) ? [...cats, cat] : cats;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const key = `${f.functionName || '(anonymous)'} ${categoryOf(f.url)}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + node.selfSize);
      for (const c of here) inclusive.set(c, (inclusive.get(c) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(profile.head, []);
  const perCall = (bytes) => `${(bytes / calls).toFixed(0).padStart(6)} B/call`;
  process.stdout.write(`\nallocated while the load ran: ${(total / calls / 1024).toFixed(1)} KB per call (sampled)\n`);
  process.stdout.write(`\nself, top ${top} functions:\n`);
  for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${perCall(bytes)}  ${key}\n`);
  process.stdout.write('\ninclusive by package / file:\n');
  for (const [cat, bytes] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${perCall(bytes)}  ${cat}\n`);
}

/** Which package or project file a frame belongs to. */
function categoryOf(url) {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return relative(root, path);
}

function summarize(profile, top, window, calls) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
  let total = 0;
  const ticks = new Map();
  let t = profile.startTime;
  let kept = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < window.start || t > window.end) return;
    kept++;
    ticks.set(id, (ticks.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  if (kept === 0) throw new Error('no profile sample falls in the measured window (clock mismatch?)');
  /** categories on the path from the root, cached per node */
  const pathCats = new Map();
  const catsOf = (id) => {
    if (pathCats.has(id)) return pathCats.get(id);
    const n = byId.get(id);
    const up = parent.has(id) ? catsOf(parent.get(id)) : new Set();
    const own = idle.has(n.callFrame.functionName) || n.callFrame.functionName === '(root)' ? undefined : categoryOf(n.callFrame.url);
    const set = own && !up.has(own) ? new Set([...up, own]) : up;
    pathCats.set(id, set);
    return set;
  };
  const inclusive = new Map();
  let gc = 0;
  let idleUs = 0;
  for (const [id, us] of ticks) {
    const n = byId.get(id);
    const fn = n.callFrame.functionName;
    if (fn === '(idle)') {
      idleUs += us;
      continue;
    }
    total += us;
    if (fn === '(garbage collector)') gc += us;
    const key = `${fn || '(anonymous)'} ${categoryOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
    for (const cat of catsOf(id)) inclusive.set(cat, (inclusive.get(cat) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `\nmeasured window: busy ${(total / 1000).toFixed(0)} ms of the main thread (idle ${(idleUs / 1000).toFixed(0)} ms), ` +
      `${(total / calls).toFixed(1)} µs per call, GC ${pct(gc)}\n`,
  );
  process.stdout.write(`\nself time, top ${top} functions:\n`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(us)}  ${key}\n`);
  process.stdout.write('\ninclusive time by package / file (a sample counts once per package on its stack):\n');
  for (const [cat, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`  ${pct(us)}  ${cat}\n`);
  // Who calls the expensive native functions: the nearest frame of a package or project file above them.
  for (const fn of opts.callers) {
    const by = new Map();
    for (const [id, us] of ticks) {
      if (byId.get(id).callFrame.functionName !== fn) continue;
      let up = parent.get(id);
      while (up !== undefined && !/node_modules|\/dist\/|\/bench\//.test(byId.get(up).callFrame.url)) up = parent.get(up);
      const frame = up === undefined ? undefined : byId.get(up).callFrame;
      const key = frame ? `${frame.functionName || '(anonymous)'} ${categoryOf(frame.url)}:${frame.lineNumber + 1}` : '(node internals only)';
      by.set(key, (by.get(key) ?? 0) + us);
    }
    if (by.size === 0) continue;
    process.stdout.write(`\n${fn}: called from\n`);
    for (const [key, us] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
      process.stdout.write(`  ${pct(us)}  ${(us / calls).toFixed(1).padStart(6)} µs/call  ${key}\n`);
    }
  }
}
