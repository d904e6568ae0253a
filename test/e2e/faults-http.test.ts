/**
 * An HTTP upstream (server-everything, Streamable HTTP) that goes away mid-call: the in-flight call answers
 * 502 at once (no ping needed), later calls 503 + Retry-After, /readyz 503; when the server is back on its
 * port, the adapter reconnects and serves again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { startSupervised, type Supervised } from './faults-helpers.js';
import { EVERYTHING, callTool, freePort, request, stopChild } from './serve-helpers.js';

const children: ChildProcess[] = [];
let s: Supervised | undefined;
afterAll(async () => {
  await s?.close();
  await Promise.all(children.map(stopChild));
});

async function startEverything(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  children.push(child);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return child;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('server-everything did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

it('fails in-flight calls at once when the HTTP server dies, answers 503 meanwhile, reconnects when it is back', { timeout: 40_000 }, async () => {
  const port = await freePort();
  const first = await startEverything(port);
  s = await startSupervised({ kind: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: {}, transport: 'streamable-http' }, { supervisor: { pingIntervalMs: 0, backoffInitialMs: 200, backoffMaxMs: 400 } });
  const sum = await callTool(s.url, 'get-sum', { a: 2, b: 3 });
  expect(sum.status).toBe(200);

  const inflight = callTool(s.url, 'trigger-long-running-operation', { duration: 20, steps: 4 }).then((a) => ({ a, at: performance.now() }));
  await new Promise((r) => setTimeout(r, 400));
  const killedAt = performance.now();
  first.kill('SIGKILL');
  const { a, at } = await inflight;
  expect(a.status).toBe(502);
  expect(a.body.error.type).toBe('upstream_error');
  expect(at - killedAt).toBeLessThan(1000);

  const during = await callTool(s.url, 'get-sum', { a: 1, b: 1 });
  expect(during.status).toBe(503);
  expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
  expect((await request(`${s.url}/readyz`)).status).toBe(503);

  await startEverything(port);
  await expect.poll(async () => (await callTool(s!.url, 'get-sum', { a: 4, b: 5 })).status, { timeout: 10_000, interval: 200 }).toBe(200);
  expect((await request(`${s.url}/readyz`)).status).toBe(200);
});
