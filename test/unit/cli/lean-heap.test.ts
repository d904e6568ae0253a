/** When `serve` applies its V8 heap settings, when the user's own choice wins, and how the young generation is capped. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LEAN_HEAP_FLAGS, leanHeapFlags, YOUNG_GENERATION_CAP_BYTES, youngGenerationCap } from '../../../src/cli/lean-heap.js';

const MB = 1024 * 1024;

describe('leanHeapFlags', () => {
  it.each([
    ['by default', {}, [], LEAN_HEAP_FLAGS],
    ['MCP_ACTIONS_HEAP=default keeps V8 defaults', { MCP_ACTIONS_HEAP: 'default' }, [], []],
    ['any other MCP_ACTIONS_HEAP value still applies them', { MCP_ACTIONS_HEAP: 'lean' }, [], LEAN_HEAP_FLAGS],
    ['node --max-semi-space-size wins', {}, ['--max-semi-space-size=8'], []],
    ['NODE_OPTIONS=--max_semi_space_size wins', { NODE_OPTIONS: '--max_semi_space_size=8' }, [], []],
    ['node --semi-space-growth-factor wins', {}, ['--semi-space-growth-factor=4'], []],
    ['node --optimize-for-size (already lean) is left alone', {}, ['--optimize-for-size'], []],
    ['unrelated node flags do not matter', { NODE_OPTIONS: '--max-old-space-size=512' }, ['--enable-source-maps'], LEAN_HEAP_FLAGS],
  ])('%s', (_label, env, execArgv, expected) => {
    expect(leanHeapFlags(env as NodeJS.ProcessEnv, execArgv)).toEqual(expected);
  });
});

describe('youngGenerationCap', () => {
  it('lets the young generation grow under the cap, stops it at the cap, and lets it grow again after a shrink', () => {
    let size = 2 * MB;
    const set: number[] = [];
    const cap = youngGenerationCap(8 * MB, { newSpaceBytes: () => size, setGrowthFactor: (f) => void set.push(f) });
    cap.check();
    expect(set).toEqual([2]);
    size = 4 * MB;
    cap.check(); // still under: nothing to change
    expect(set).toEqual([2]);
    size = 8 * MB;
    cap.check();
    expect(set).toEqual([2, 1]);
    size = 16 * MB; // overshot between two checks: held there, never grown further
    cap.check();
    expect(set).toEqual([2, 1]);
    size = 2 * MB; // V8 shrank it when idle
    cap.check();
    expect(set).toEqual([2, 1, 2]);
  });

  it('in a real V8, holds an allocating process at the cap: grown past the initial 2 MB, never past the cap, which V8 alone passes', () => {
    // In a child: setting V8 flags here would change the test runner itself. The built module (npm test builds first).
    const built = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'lean-heap.js');
    expect(existsSync(built), `${built} is missing: run npm run build`).toBe(true);
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      const { useLeanHeap } = await import(${JSON.stringify(pathToFileURL(built).href)});
      if (process.argv[1] === 'lean') useLeanHeap({}, []);
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let keep = [];
      let largest = newSpace();
      // Requests' objects that live a while, allocated in small slices (as a server's turns are) so that the
      // cap's timer runs between them. The largest size seen counts: V8 may shrink the young generation again
      // when the allocation rate drops.
      for (let round = 0; round < 400; round++) {
        for (let i = 0; i < 2000; i++) { keep.push({ i, s: 'x' + i, a: [i, i] }); if (keep.length > 40000) keep = keep.slice(20000); }
        largest = Math.max(largest, newSpace());
        await new Promise((r) => setImmediate(r));
      }
      console.log(largest);`;
    const run = (mode: string) => {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return Number(child.stdout);
    };
    const lean = run('lean');
    const defaults = run('defaults');
    expect(lean).toBeGreaterThan(2 * MB);
    expect(lean).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
    expect(defaults).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
  });
});
