/**
 * Issue 8's memory bound, and the issue 13 GC budget it leaves room for: `serve` in front of a stdio server loads
 * no package it does not use. undici (the HTTP upstream client, with its WebAssembly parser) and the YAML parser
 * (the bundled template is all comments) together cost about 8 MB of resident memory for the process's life.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, EVERYTHING, FIXTURES, newMark, startProcess, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses } from '../helpers/processes.js';

const mark = newMark();
const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-footprint-'));
const started: ServerProcess[] = [];
afterAll(async () => {
  for (const p of started) await p.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(await leftoverProcesses([mark])).toEqual([]);
});

// Preloaded into `serve`: on exit, the packages of every CommonJS module loaded (ESM imports of CommonJS
// packages land in the same cache), one per line.
const hook = join(dir, 'loaded.cjs');
writeFileSync(
  hook,
  `process.on('exit', () => {
     const names = new Set(Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
     require('node:fs').writeFileSync(process.env.LOADED_OUT, [...names].sort().join('\\n'));
   });`,
);

/** Starts `serve`, makes one call, stops it (SIGTERM: a normal exit), and returns the packages it had loaded. */
async function packagesLoaded(name: string, args: string[], echoArgs: Record<string, string>): Promise<string[]> {
  const out = join(dir, `${name}.txt`);
  const proc = startProcess([process.execPath, '--require', hook, CLI, 'serve', '--port', '0', ...args], { mark, env: { LOADED_OUT: out } });
  started.push(proc);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${proc.output()}`)), 60_000);
    const look = () => {
      const m = / at (http:\/\/127\.0\.0\.1:\d+)\n/.exec(proc.output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.child.stdout!.on('data', look);
    proc.child.stderr!.on('data', look);
    proc.child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${proc.output()}`)));
  });
  const res = await fetch(`${url}/tools/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(echoArgs) });
  expect(res.status, await res.text()).toBe(200);
  // SIGTERM and a normal exit (the hook writes on exit): the drain may take a while on a busy machine, so no
  // SIGKILL after a second as proc.stop() would send.
  const exited = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
  proc.child.kill('SIGTERM');
  expect(await exited, proc.output()).toBe(0);
  return readFileSync(out, 'utf8').split('\n');
}

describe('serve loads only what its run needs', () => {
  it('a stdio upstream: no undici, no yaml', async () => {
    const loaded = await packagesLoaded('stdio', ['--', process.execPath, EVERYTHING, 'stdio'], { message: 'hi' });
    expect(loaded).toContain('express'); // the hook saw the process's packages
    expect(loaded).not.toContain('undici');
    expect(loaded).not.toContain('yaml');
  });

  it('an HTTP upstream loads undici (the same check would see it)', async () => {
    const server = await startUrlServer([process.execPath, join(FIXTURES, 'http.mjs')], { mark });
    started.push(server);
    const loaded = await packagesLoaded('http', ['--url', server.url], { text: 'hi' });
    expect(loaded).toContain('undici');
    expect(loaded).not.toContain('yaml');
  });
});
