#!/usr/bin/env node
/**
 * Where the adapter's memory goes: starts a front (default: adapter, plus reference) once per variant of node
 * flags, reads its RSS at idle, then its peak RSS (VmHWM) and CPU per call under the 32-caller load.
 * Usage: node bench/rss.mjs [--seconds S] [--variant "label=--flag1 --flag2"]... [--fronts adapter,reference]
 *        [--env NAME=VALUE]... (e.g. to try a serve-only setting)
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineFronts } from './lib/fronts.mjs';
import { runLoad } from './lib/load.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    variant: { type: 'string', multiple: true, default: ['default='] },
    fronts: { type: 'string', default: 'adapter,reference' },
    rounds: { type: 'string', default: '2' },
  },
});
const everything = join(root, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const status = (pid, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

const rows = [];
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const variant of opts.variant) {
    const [label, flags = ''] = variant.split(/=(.*)/s);
    const nodeArgs = flags.split(' ').filter(Boolean);
    for (const name of opts.fronts.split(',')) {
      const records = [];
      const front = await defineFronts({ root, everything, concurrency: 32, records, nodeArgs })[name]();
      try {
        await new Promise((r) => setTimeout(r, 300));
        const idle = status(front.frontPid, 'VmRSS');
        await runLoad(front.call, { concurrency: 32, seconds: 1 });
        const cpu0 = front.frontCpuMs();
        const load = await runLoad(front.call, { concurrency: 32, seconds: Number(opts.seconds) });
        const cpuUs = ((front.frontCpuMs() - cpu0) * 1000) / load.calls;
        const after = status(front.frontPid, 'VmRSS');
        rows.push({ round: round + 1, label, name, idle, peak: front.peakRssMb(), after, perSecond: load.perSecond, cpuUs, errors: load.errors });
        const r = rows.at(-1);
        process.stdout.write(
          `${String(r.round)} ${label.padEnd(14)} ${name.padEnd(10)} idle ${r.idle.toFixed(1)} MB · peak ${r.peak.toFixed(1)} MB · after ${r.after.toFixed(1)} MB · ` +
            `${Math.round(r.perSecond)} calls/s · ${Math.round(r.cpuUs)} µs CPU/call · ${r.errors} errors\n`,
        );
      } finally {
        await front.stop();
      }
    }
  }
}
