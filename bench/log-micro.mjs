#!/usr/bin/env node
/**
 * Micro-benchmark of serve's access log: CPU time per call line, pino writing to a piped stderr directly
 * (one write per line) vs through serve's batched writer (one write per event-loop turn). Each mode runs in
 * its own child process with stderr piped (as under a supervisor); lines are logged in bursts of --burst per
 * turn, like the calls answered in one turn under load. Usage: node bench/log-micro.mjs [--lines N] [--burst B]
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { lines: { type: 'string', default: '200000' }, burst: { type: 'string', default: '8' }, mode: { type: 'string' } } });
const lines = Number(opts.lines);
const burst = Number(opts.burst);

if (opts.mode) {
  const { default: pino } = await import('pino');
  const { batchedWriter } = await import(join(root, 'dist', 'commands', 'serve-log.js'));
  const direct = (t) => void process.stderr.write(t);
  const out = opts.mode === 'batched' ? batchedWriter(direct) : { write: direct, flush: () => {} };
  const logger = pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, { write: (l) => out.write(l) });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < lines; i += burst) {
    for (let j = 0; j < burst; j++) logger.info({ reqId: '6f1c2b1e-1d2a-4b8e-9f55-0c4f1f7e2a10', tool: 'echo', status: 200, ms: 0.42, bytesIn: 24, bytesOut: 57 }, 'call');
    await new Promise((r) => setImmediate(r));
  }
  out.flush();
  const { user, system } = process.cpuUsage(cpu0);
  process.stdout.write(`${(user + system) / lines}\n`);
} else {
  const run = (mode) =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--mode', mode, '--lines', String(lines), '--burst', String(burst)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let bytes = 0;
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (bytes += c.length));
      child.on('exit', (code) => (code === 0 ? done({ us: Number(out), bytes }) : fail(new Error(`${mode} exited ${code}`))));
    });
  const results = { direct: [], batched: [] };
  for (let round = 0; round < 3; round++) for (const mode of ['direct', 'batched']) results[mode].push(await run(mode));
  for (const [mode, rs] of Object.entries(results)) {
    const best = Math.min(...rs.map((r) => r.us));
    process.stdout.write(`${mode.padEnd(8)} ${best.toFixed(2)} µs CPU per log line (best of 3; ${rs[0].bytes} bytes on stderr)\n`);
  }
}
