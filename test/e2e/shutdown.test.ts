/**
 * Graceful shutdown of `serve`: SIGTERM with 50 calls in flight → all 50 answer 200, exit code 0, the MCP
 * child is gone. --drain-timeout bounds the wait. While draining, /readyz is false and new calls answer 503.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { shutdown } from '../../src/adapter/shutdown.js';
import { FAULT_SERVER, alive, sleep, startSupervised } from './faults-helpers.js';
import { callTool, request, stdio, stopChild } from './serve-helpers.js';

const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map(stopChild));
});

/** `detached`: serve leads a process group of its own, as a shell's foreground job (-pid = the terminal's Ctrl-C). */
async function serve(args: string[] = [], options: { detached?: boolean; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--log-level', 'warn', ...args, '--', process.execPath, FAULT_SERVER], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached === true,
    env: { ...process.env, ...options.env },
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exit.then(({ code }) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, exit, stderr: () => err };
}

describe('SIGTERM', () => {
  it('lets 50 in-flight calls finish with 200, exits 0, leaves no process behind', async () => {
    const served = await serve();
    const upstreamPid = (await callTool(served.url, 'echo', { id: 'pid' })).body.pid as number;
    expect(alive(upstreamPid)).toBe(true);
    const calls = Array.from({ length: 50 }, (_, i) => callTool(served.url, 'slow', { ms: 1500, tag: `t${i}` }));
    await sleep(500);
    const termAt = performance.now();
    served.child.kill('SIGTERM');
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    answers.forEach((a, i) => expect(a.body).toEqual({ result: `slept 1500 ms for t${i}` }));
    const exit = await served.exit;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(8000);
    expect(alive(upstreamPid)).toBe(false);
    expect(served.stderr()).toMatch(/stopped after \d+ ms/);
  });

  it('stops waiting after --drain-timeout and still exits 0 without an orphan', async () => {
    const served = await serve(['--drain-timeout', '300']);
    const upstreamPid = (await callTool(served.url, 'echo', { id: 'pid' })).body.pid as number;
    const stuck = callTool(served.url, 'slow', { ms: 30_000 }).then(
      (a) => a.status,
      () => 'cut',
    );
    await sleep(300);
    const termAt = performance.now();
    served.child.kill('SIGTERM');
    const exit = await served.exit;
    expect(exit.code).toBe(0);
    expect(exit.at - termAt).toBeLessThan(5000);
    expect(await stuck).toBe('cut');
    expect(alive(upstreamPid)).toBe(false);
    expect(served.stderr()).toContain('calls still running after 300 ms were cut');
  });
});

describe('signals during the drain', () => {
  it('a second SIGTERM keeps draining: the in-flight call answers 200, exit 0', async () => {
    const served = await serve();
    const call = callTool(served.url, 'slow', { ms: 1500, tag: 'second' });
    await sleep(400);
    served.child.kill('SIGTERM');
    await sleep(300);
    served.child.kill('SIGTERM');
    const answer = await call;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ result: 'slept 1500 ms for second' });
    expect((await served.exit).code).toBe(0);
    expect(served.stderr()).toContain('SIGTERM again: still draining');
  });

  it('Ctrl-C in a terminal (SIGINT to the whole foreground job, twice) drains too: the server is not hit by it', async () => {
    const served = await serve([], { detached: true });
    const upstreamPid = (await callTool(served.url, 'echo', { id: 'pid' })).body.pid as number;
    const call = callTool(served.url, 'slow', { ms: 1500, tag: 'ctrl-c' });
    await sleep(400);
    process.kill(-served.child.pid!, 'SIGINT');
    await sleep(300);
    process.kill(-served.child.pid!, 'SIGINT');
    const answer = await call;
    expect(answer.status).toBe(200);
    expect((await served.exit).code).toBe(0);
    expect(alive(upstreamPid)).toBe(false);
  });

  it('a third signal cuts the drain: exit 130 at once, and a server that ignores SIGTERM is gone', async () => {
    const served = await serve(['--drain-timeout', '60000'], { env: { FAULT_STUBBORN: '1' } });
    const upstreamPid = (await callTool(served.url, 'echo', { id: 'pid' })).body.pid as number;
    const stuck = callTool(served.url, 'slow', { ms: 60_000 }).then(
      (a) => a.status,
      () => 'cut',
    );
    await sleep(300);
    served.child.kill('SIGTERM');
    await sleep(200);
    served.child.kill('SIGINT');
    await sleep(200);
    const cutAt = performance.now();
    served.child.kill('SIGTERM');
    const exit = await served.exit;
    expect(exit.code).toBe(130);
    expect(exit.at - cutAt).toBeLessThan(5000);
    expect(await stuck).toBe('cut');
    expect(alive(upstreamPid)).toBe(false);
    expect(served.stderr()).toContain('were cut (signal)');
  });
});

describe('shutdown() in process', () => {
  it('turns /readyz false and answers new calls 503 while in-flight calls finish', async () => {
    const s = await startSupervised(stdio(FAULT_SERVER));
    try {
      const keepAlive = await request(`${s.url}/readyz`);
      expect(keepAlive.status).toBe(200);
      const running = callTool(s.url, 'slow', { ms: 800 });
      await sleep(200);
      const done = shutdown(s.listening.server, [s.supervisor], 5000);
      expect(s.supervisor.ready).toBe(false);
      const refused = await s.limiter.callTool('echo', { id: 'late' }, { timeoutMs: 1000 }).catch((e) => e);
      expect(refused.status).toBe(503);
      expect(refused.headers['Retry-After']).toMatch(/^\d+$/);
      expect((await running).status).toBe(200);
      const result = await done;
      expect(result.drained).toBe(true);
      expect(s.listening.server.listening).toBe(false);
    } finally {
      await s.close();
    }
  });
});
