#!/usr/bin/env node
/**
 * `npm run bench`: how fast is the adapter, side by side with the floor (direct stdio), the limit (a raw
 * node:http reference front) and the bridges people use today (supergateway, mcp-proxy), all in one run,
 * all calling server-everything's `echo` tool. Prints a table, checks the targets of issue 8 and writes
 * bench/results.json. See docs/bench.md for how to read it.
 *
 * Options: --quick (0.5 s per phase, one round, direct + reference only, no generator timings; for the smoke
 * test; also BENCH_QUICK=1) · --seconds S (per phase, default 1.5) · --rounds R (default 4; the best round of
 * each scenario counts) · --concurrency N (default 32) · --only a,b · --out FILE · --check (exit 1 on FAIL; --strict is its old name) ·
 * --warm-calls N (warm each front up until it answered N calls, default 5,000, at most 15 s) ·
 * --no-generator (skip the generator/CLI timings) · --baseline DIR (adds scenario `baseline`: the adapter of
 * another checkout/copy, DIR/dist/cli.js, measured side by side with this one for before/after figures;
 * `baseline-mcp`, its MCP face, when adapter-mcp runs; `baseline-http`, it in front of server-everything over
 * Streamable HTTP, when adapter-http runs).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { adapterAvailable, defineFronts } from './lib/fronts.mjs';
import { timeGenerator } from './lib/generator.mjs';
import { timeJwtVerify } from './lib/jwt.mjs';
import { runLoad, warmUp } from './lib/load.mjs';
import { isAlive, machineBusyMs } from './lib/procs.mjs';
import { computeChecks, exitCodeOf, formatChecks, formatScenarios } from './lib/report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    only: { type: 'string' },
    out: { type: 'string', default: join(root, 'bench', 'results.json') },
    // --check: exit 1 when a target FAILs. `npm run bench --check` (no --) reaches here as npm_config_check.
    check: { type: 'boolean', default: process.env.npm_config_check === 'true' },
    strict: { type: 'boolean', default: false }, // the old name of --check
    generator: { type: 'boolean', default: true },
    baseline: { type: 'string' },
    'warm-calls': { type: 'string', default: '5000' },
  },
  allowNegative: true,
});
const quick = opts.quick;
const seconds = Number(opts.seconds ?? (quick ? 0.5 : 1.5));
const rounds = Number(opts.rounds ?? (quick ? 1 : 4));
const warmSeconds = quick ? 0.3 : 1;
// V8 optimises a front's hot path after so many calls, not so many seconds: on a busy machine the first 5,000
// calls of the MCP face cost 3-6× the CPU of later ones. So each front is warmed until it answered warmCalls
// calls (at least warmSeconds, at most warmMaxSeconds): the same rule for every front, however fast it is.
const warmCalls = quick ? 0 : Number(opts['warm-calls']);
const warmMaxSeconds = 15;
const concurrency = Number(opts.concurrency);
const ALL = ['direct', 'reference', 'adapter', 'adapter-mcp', ...(opts.baseline ? ['baseline', 'baseline-mcp'] : []), 'supergateway', 'mcp-proxy', 'per-user-1', 'per-user-20', 'rate-limit', 'rate-limit-redis', 'nginx-2-redis', 'http-direct', 'adapter-http', ...(opts.baseline ? ['baseline-http'] : []), 'adapter-sse', 'smoke-fastmcp', 'smoke-mcp-use', 'smoke-sdk-v2'];
const names = opts.only ? opts.only.split(',') : quick ? ['direct', 'reference'] : ALL;
const stdioRows = names.some((n) => n === 'adapter' || n === 'adapter-mcp');
if (opts.baseline && (stdioRows || !names.includes('adapter-http')) && !names.includes('baseline')) names.push('baseline');
if (opts.baseline && names.includes('adapter-mcp') && !names.includes('baseline-mcp')) names.push('baseline-mcp');
if (opts.baseline && names.includes('adapter-http') && !names.includes('baseline-http')) names.push('baseline-http');
const everything = join(root, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const log = (line) => process.stdout.write(`${line}\n`);

if (!Number.isInteger(warmCalls) || warmCalls < 0) {
  process.stderr.write(`bench: --warm-calls must be a whole number of calls (got "${opts['warm-calls']}")\n`);
  process.exit(2);
}
if (!existsSync('/proc/self/stat')) {
  process.stderr.write('bench: needs Linux: CPU time and peak RSS are read from /proc\n');
  process.exit(2);
}
if (!existsSync(everything)) {
  process.stderr.write(`bench: ${everything} is missing; run \`npm ci\` first\n`);
  process.exit(2);
}

/** Every process the bench started (with start times), to prove at the end that none is left. */
const records = [];
const fronts = defineFronts({ root, everything, concurrency, records, baseline: opts.baseline });
/** @type {Map<string, any>} */
const running = new Map();
const scenarios = {};
/** Calls and seconds of each front's warm-up. */
const warmed = {};

async function stopAll() {
  for (const [name, front] of running) {
    running.delete(name);
    await front.stop().catch(() => {});
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

/** One measured phase: load plus the CPU used meanwhile by the front, its children and this process. */
async function phase(front, concurrencyNow, secondsNow) {
  const cpu0 = { front: front.frontCpuMs(), child: front.childCpuMs(), client: process.cpuUsage(), machine: machineBusyMs() };
  const load = await runLoad(front.call, { concurrency: concurrencyNow, seconds: secondsNow });
  const client = process.cpuUsage(cpu0.client);
  const used = { front: front.frontCpuMs() - cpu0.front, child: front.childCpuMs() - cpu0.child, client: (client.user + client.system) / 1000 };
  const perCallUs = (ms) => (load.calls > 0 ? (ms * 1000) / load.calls : NaN);
  // The CPUs other processes kept busy meanwhile (the machine's busy time minus the bench's own processes; for
  // `direct` the front is this process, the client): on a shared machine, what the fronts competed with.
  const ours = used.front + used.child + (front.frontPid === process.pid ? 0 : used.client);
  const otherCpus = Math.max(0, (machineBusyMs() - cpu0.machine - ours) / (load.seconds * 1000));
  return {
    ...load,
    frontCpuUs: perCallUs(used.front),
    childCpuUs: perCallUs(used.child),
    clientCpuUs: perCallUs(used.client),
    otherCpus,
  };
}

/** Keeps the best figure of each metric across rounds (noise from other load only ever makes things worse). */
function best(a, b) {
  if (!a) return b;
  const pick = (key, better) => (better(a[key], b[key]) ? a[key] : b[key]);
  const hi = (x, y) => x >= y;
  const lo = (x, y) => x <= y;
  return {
    ...a,
    calls: a.calls + b.calls,
    errors: a.errors + b.errors,
    perSecond: pick('perSecond', hi),
    // how busy the machine was during the phase whose calls/s counts
    otherCpus: a.perSecond >= b.perSecond ? a.otherCpus : b.otherCpus,
    p50Ms: pick('p50Ms', lo),
    p99Ms: pick('p99Ms', lo),
    frontCpuUs: pick('frontCpuUs', lo),
    childCpuUs: pick('childCpuUs', lo),
    clientCpuUs: pick('clientCpuUs', lo),
    firstError: a.firstError ?? b.firstError,
  };
}

let exitCode = 0;
try {
  log(`mcp-actions bench: ${names.join(', ')} · ${rounds} round(s) × ${seconds} s per phase · ${concurrency} concurrent callers`);
  log(`node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}) · upstream: server-everything echo over stdio`);
  for (const name of names) {
    if (!(name in fronts)) throw new Error(`unknown scenario "${name}" (known: ${ALL.join(', ')})`);
    if ((name.startsWith('adapter') || name.startsWith('per-user') || name.startsWith('rate-limit') || name === 'nginx-2-redis' || name.startsWith('smoke-')) && !adapterAvailable(root)) {
      scenarios[name] = { skipped: 'not available yet (dist/cli.js has no `serve` command; run npm run build)' };
      log(`${name}: not available yet (dist/cli.js has no \`serve\` command)`);
      continue;
    }
    try {
      running.set(name, await fronts[name]());
    } catch (error) {
      scenarios[name] = { error: error instanceof Error ? error.message : String(error) };
      log(`${name}: failed to start: ${scenarios[name].error.split('\n')[0]}`);
    }
  }
  const active = [...running.keys()];
  const results = Object.fromEntries(active.map((n) => [n, { sequential: undefined, concurrent: undefined }]));
  for (let round = 0; round < rounds; round++) {
    // rotate the order so that no scenario always runs first (or right after the same neighbour)
    const order = active.map((_, i) => active[(i + round) % active.length]);
    for (const name of order) {
      const front = running.get(name);
      if (round === 0) {
        const warm = await warmUp(front.call, { concurrency, minSeconds: warmSeconds, calls: warmCalls, maxSeconds: warmMaxSeconds });
        warmed[name] = warm;
        log(`  warm-up ${name.padEnd(12)} ${warm.calls} calls in ${warm.seconds.toFixed(1)} s`);
      }
      const sequential = await phase(front, 1, seconds);
      const concurrent = await phase(front, concurrency, seconds);
      results[name].sequential = best(results[name].sequential, sequential);
      results[name].concurrent = best(results[name].concurrent, concurrent);
      log(
        `  round ${round + 1} ${name.padEnd(12)} ${String(Math.round(concurrent.perSecond)).padStart(6)} calls/s at ${concurrency}, ` +
          `p50 ${sequential.p50Ms.toFixed(3)} ms sequential, ${Math.round(concurrent.frontCpuUs)} µs front CPU/call, ` +
          `other processes ${concurrent.otherCpus.toFixed(1)} CPUs`,
      );
    }
  }
  for (const name of active) {
    scenarios[name] = { ...results[name], warmUp: warmed[name], peakRssMb: running.get(name).peakRssMb(), pid: running.get(name).frontPid };
  }
  await stopAll();

  const gen = quick || !opts.generator
    ? Object.fromEntries(['buildSpec', 'coldStart', 'generateOpenapi', 'validate30'].map((k) => [k, { skipped: quick ? '--quick' : '--no-generator' }]))
    : await timeGenerator({ root, everything, spawns: 10 });
  if (gen.buildSpec?.skipped) log(`generator: buildSpec skipped (${gen.buildSpec.skipped})`);
  gen.jwtVerify = timeJwtVerify({ root, quick });

  const checks = computeChecks(scenarios, gen, { cpus: cpus().length });
  const ordered = Object.fromEntries(ALL.filter((n) => n in scenarios).map((n) => [n, scenarios[n]]));
  log('');
  log(formatScenarios(ordered));
  log('');
  log(formatChecks(checks));
  log('');
  log('front = the HTTP server process (direct: this process); child = the stdio server it started; client = the load generator;');
  log('other CPUs = CPUs kept busy by processes outside the bench during the 32-caller phase: when high, calls/s ratios depend on it; CPU per call far less.');

  await new Promise((r) => setTimeout(r, 100));
  const leftover = records.filter(isAlive);
  if (leftover.length > 0) {
    log(`leftover processes: ${leftover.map((p) => p.pid).join(', ')}`);
    exitCode = 1;
  }
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  log(`${checks.filter((c) => c.status === 'PASS').length} PASS · ${failed} FAIL · ${checks.filter((c) => c.status === 'SKIP').length} SKIP`);
  const check = opts.check || opts.strict;
  exitCode = Math.max(exitCode, exitCodeOf({ checks, leftover: leftover.length, check }));
  if (check && failed > 0) log(`--check: ${failed} target${failed === 1 ? '' : 's'} FAIL: exit 1`);

  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        settings: { quick, seconds, rounds, concurrency, warmCalls, warmMaxSeconds, scenarios: names },
        scenarios: ordered,
        generator: gen,
        checks,
        processes: records.map(({ pid, start }) => ({ pid, start })),
      },
      null,
      2,
    )}\n`,
  );
  log(`results: ${opts.out}`);
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  exitCode = 2;
} finally {
  await stopAll();
}
process.exit(exitCode);
