/**
 * Servers behind a wrapper (`sh -c '…'`, as `npx`, `uv run` or `docker run` are) and servers that ignore
 * SIGTERM: stopping one stops its whole process group, so no real server outlives its wrapper, a restart or
 * the CLI. The server here (fault-server with FAULT_STUBBORN=1) ignores SIGINT, SIGTERM and stdin closing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, newMark } from '../helpers/cli.js';
import { findProcesses, leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { alive, FAULT_SERVER, sleep } from './faults-helpers.js';
import { callTool } from './serve-helpers.js';

const mark = newMark();
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  // Whatever a failed test left behind carries the mark: kill it so later tests are not disturbed.
  for (const p of findProcesses({ mark })) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** `sh -c 'node fault-server.mjs; :'`: the shell stays the parent of the real server (no exec). */
const WRAPPED = ['--', 'sh', '-c', `"${process.execPath}" ${FAULT_SERVER}; :`];

interface Run {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** The built CLI in a process group of its own, as a shell runs a foreground job (so -pid is "the terminal's Ctrl-C"). */
function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, FAULT_STUBBORN: '1', ...env, [MARK_VAR]: mark }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  return { child, stderr: () => err, exit };
}

async function serve(args: string[]): Promise<Run & { url: string }> {
  const run = start(['serve', '--port', '0', '--log-level', 'warn', ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    run.child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void run.exit.then(({ code }) => reject(new Error(`serve exited ${code}: ${run.stderr()}`)));
  });
  return { ...run, url };
}

const serverPids = () => findProcesses({ mark }).filter((p) => p.cmdline.includes('fault-server.mjs') && !p.cmdline.startsWith('sh ') && !p.cmdline.includes('cli.js')).map((p) => p.pid);

describe('serve with a wrapped server that ignores SIGTERM', () => {
  it('a ping-watchdog restart leaves no orphan, and stopping leaves nothing behind', async () => {
    const served = await serve(['--ping-interval', '300', ...WRAPPED]);
    const first = (await callTool(served.url, 'echo', { id: 'a' })).body.pid as number;
    expect(alive(first)).toBe(true);
    // Wedged: no answer to ping → restarted. The old server (behind its shell) must go with its wrapper.
    void callTool(served.url, 'wedge', {}).catch(() => undefined);
    await expect.poll(async () => (await callTool(served.url, 'echo', { id: 'b' })).body?.pid, { timeout: 15_000, interval: 200 }).not.toBe(first);
    await expect.poll(() => alive(first), { timeout: 8000, interval: 100 }).toBe(false);
    expect(serverPids()).toHaveLength(1);

    const termAt = performance.now();
    served.child.kill('SIGTERM');
    const exit = await served.exit;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(8000);
    expect(await leftoverProcesses([mark], { graceMs: 1000 })).toEqual([]);
  }, 45_000);
});

describe('Ctrl-C in inspect', () => {
  it('stops a wrapped server that ignores SIGINT and SIGTERM, exits 130', async () => {
    // Never answers initialize: inspect is waiting for it when the user presses Ctrl-C.
    const hang = `process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1 << 30); process.stdin.resume();`;
    const run = start(['inspect', '--timeout', '60000', '--', 'sh', '-c', `"${process.execPath}" -e "${hang}" hang-marker; :`]);
    await expect.poll(() => findProcesses({ mark }).some((p) => p.cmdline.includes('hang-marker') && !p.cmdline.startsWith('sh ') && !p.cmdline.includes('cli.js')), { timeout: 20_000, interval: 100 }).toBe(true);
    await sleep(200);
    const at = performance.now();
    process.kill(-run.child.pid!, 'SIGINT'); // the terminal sends SIGINT to the whole foreground job
    const exit = await run.exit;
    expect(exit.code).toBe(130);
    expect(exit.at - at).toBeLessThan(5000);
    expect(await leftoverProcesses([mark], { graceMs: 2000 })).toEqual([]);
  }, 45_000);
});
