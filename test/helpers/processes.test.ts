/** The leak detector must be able to fail: it sees a marked process, also once it is orphaned. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { newMark } from './cli.js';
import { findProcesses, leftoverProcesses, liveDescendants, MARK_VAR } from './processes.js';

const mark = newMark();
const env = { ...process.env, [MARK_VAR]: mark };
const orphanPids: number[] = [];

afterAll(() => {
  for (const pid of orphanPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('process helpers', () => {
  it('see a live child by mark, by command line and as a descendant, and not once it is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) // leak-probe-child'], { env });
    await new Promise((r) => child.once('spawn', r));
    expect(findProcesses({ mark }).map((p) => p.pid)).toContain(child.pid);
    expect(findProcesses({ cmdlineIncludes: 'leak-probe-child' }).map((p) => p.pid)).toEqual([child.pid]);
    expect(liveDescendants().map((p) => p.pid)).toContain(child.pid);
    expect((await leftoverProcesses([mark], { graceMs: 100 })).map((p) => p.pid)).toEqual([child.pid]);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(await leftoverProcesses([mark], { descendants: true, graceMs: 1000 })).toEqual([]);
  });

  it('see an orphaned grandchild by its mark', async () => {
    // sh starts a background node and exits at once: the node is reparented away from this process
    const sh = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)" >/dev/null 2>&1 & echo $!`], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    sh.stdout.on('data', (d: Buffer) => (out += d));
    await new Promise((r) => sh.once('close', r));
    const pid = Number(out.trim());
    orphanPids.push(pid);
    expect(liveDescendants().map((p) => p.pid)).not.toContain(pid);
    expect((await leftoverProcesses([mark], { graceMs: 100 })).map((p) => p.pid)).toEqual([pid]);
    process.kill(pid, 'SIGKILL');
    expect(await leftoverProcesses([mark], { graceMs: 2000 })).toEqual([]);
  });
});
