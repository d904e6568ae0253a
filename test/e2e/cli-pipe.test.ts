import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `mcp-actions … | head` closes the pipe early: the CLI must end quietly, not crash on EPIPE. */
describe('stdout closed early (EPIPE)', () => {
  it.each([['--help'], ['diff', '--help']])('%s ends without an unhandled error', async (...args) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|unexpected error/i);
    expect(code).toBe(0);
  });
});
