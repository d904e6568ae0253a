/** When `serve` applies its V8 heap settings, and when the user's own choice wins. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEAN_HEAP_FLAGS, leanHeapFlags } from '../../../src/cli/lean-heap.js';

describe('leanHeapFlags', () => {
  it.each([
    ['by default', {}, [], LEAN_HEAP_FLAGS],
    ['MCP_ACTIONS_HEAP=default keeps V8 defaults', { MCP_ACTIONS_HEAP: 'default' }, [], []],
    ['any other MCP_ACTIONS_HEAP value still applies them', { MCP_ACTIONS_HEAP: 'lean' }, [], LEAN_HEAP_FLAGS],
    ['node --max-semi-space-size wins', {}, ['--max-semi-space-size=8'], []],
    ['NODE_OPTIONS=--max_semi_space_size wins', { NODE_OPTIONS: '--max_semi_space_size=8' }, [], []],
    ['node --optimize-for-size (already lean) is left alone', {}, ['--optimize-for-size'], []],
    ['unrelated node flags do not matter', { NODE_OPTIONS: '--max-old-space-size=512' }, ['--enable-source-maps'], LEAN_HEAP_FLAGS],
  ])('%s', (_label, env, execArgv, expected) => {
    expect(leanHeapFlags(env as NodeJS.ProcessEnv, execArgv)).toEqual(expected);
  });

  it('the flags exist in this node and hold the young generation at its initial size', () => {
    // In a child: setting V8 flags here would change the test runner itself.
    const script = `
      const v8 = require('node:v8');
      for (const f of ${JSON.stringify(LEAN_HEAP_FLAGS)}) v8.setFlagsFromString(f);
      let keep = [];
      for (let i = 0; i < 300000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = keep.slice(10000); }
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      console.log(ns.space_size);`;
    const run = (flags: boolean) =>
      Number(spawnSync(process.execPath, ['-e', flags ? script : script.replace(/for \(const f[^\n]*\n/, '')], { encoding: 'utf8', cwd: join(import.meta.dirname, '..') }).stdout);
    const lean = run(true);
    const defaults = run(false);
    expect(lean).toBeGreaterThan(0);
    expect(lean).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(defaults).toBeGreaterThan(lean);
  });
});
