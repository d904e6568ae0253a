/**
 * An HTTP upstream that misbehaves (fixtures/servers/http-misbehave.mjs), behind the built CLI (`serve --url`):
 * a 200 MB answer, an SSE answer that never ends, one that ends without answering, a hang, a slow drip, garbage,
 * HTTP 500, a wrong content type, a reset mid-body. Each call answers 502/504 in the error shape (never 500),
 * the adapter's RSS stays within +100 MB, the sockets of abandoned calls are closed, a bystander's calls made
 * meanwhile succeed, and the connection is never restarted (the server saw one initialize). Then, in process:
 * progress and list_changed still arrive, a 404 on the session re-initializes, a 2026-07-28 server works.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, newMark, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { rssMb, startServeCli, startSupervised, type Supervised } from './faults-helpers.js';
import { callTool, request, stopChild } from './serve-helpers.js';

const FIXTURE = `${FIXTURES}http-misbehave.mjs`;
const mark = newMark();

interface Stats {
  open: number;
  pending: number;
  initializes: number;
  cancelled: (string | number)[];
}

async function stats(fixture: { url: string }): Promise<Stats> {
  return (await request(fixture.url.replace(/\/mcp$/, '/stats'))).body as Stats;
}


describe('serve --url in front of a misbehaving server', () => {
  let fixture: ServerProcess & { url: string };
  let adapter: { child: ChildProcess; url: string };
  let baseline: number;
  beforeAll(async () => {
    fixture = await startUrlServer([process.execPath, FIXTURE], { mark });
    adapter = await startServeCli(['--no-async', '--call-timeout', '1000', '--ping-interval', '0', '--max-message-bytes', String(1024 * 1024), '--url', fixture.url]);
    for (let i = 0; i < 20; i++) expect((await callTool(adapter.url, 'echo', { id: `warm${i}` })).status).toBe(200);
    baseline = rssMb(adapter.child.pid!);
  });
  afterAll(async () => {
    if (adapter) await stopChild(adapter.child);
    await fixture?.stop();
  });

  const cases: [string, Record<string, unknown>, number, string][] = [
    ['huge', { mb: 200 }, 502, 'response_too_large'],
    ['endless', {}, 504, 'upstream_timeout'],
    ['hang', {}, 504, 'upstream_timeout'],
    ['drip', {}, 504, 'upstream_timeout'],
    ['garbage', {}, 502, 'upstream_error'],
    ['error500', {}, 502, 'upstream_error'],
    ['wrongtype', {}, 502, 'upstream_error'],
    ['reset', {}, 502, 'upstream_error'],
    ['truncated', {}, 502, 'upstream_error'],
  ];
  for (const [tool, args, status, type] of cases) {
    it(`${tool}: ${status} ${type}, bounded memory, a bystander served meanwhile, no restart`, async () => {
      const call = callTool(adapter.url, tool, args);
      await new Promise((r) => setTimeout(r, 50));
      const bystanders = await Promise.all([1, 2, 3].map((i) => callTool(adapter.url, 'echo', { id: `${tool}-${i}` })));
      const answer = await call;
      expect(answer.status, answer.text).toBe(status);
      expect(answer.body.error.type).toBe(type);
      for (const [i, b] of bystanders.entries()) expect(b.body).toEqual({ id: `${tool}-${i + 1}` });
      expect(rssMb(adapter.child.pid!) - baseline).toBeLessThan(100);
      expect((await callTool(adapter.url, 'echo', { id: 'after' })).status).toBe(200);
      expect((await stats(fixture)).initializes).toBe(1);
    });
  }

  it('an SSE answer that streams on after answering is closed; calls that time out free their sockets', async () => {
    const answered = await callTool(adapter.url, 'endless_after', {});
    expect(answered.status).toBe(200);
    expect(answered.body.result).toBe('answered, streaming on');
    // 12 calls that time out at once: each had a socket of its own; all are closed after the 504s (the server sees
    // no request left but the GET stream and this stats request), twice over: timed-out calls leave nothing behind.
    for (let round = 0; round < 2; round++) {
      const hung = await Promise.all(Array.from({ length: 12 }, () => callTool(adapter.url, 'hang', {})));
      expect(hung.map((a) => a.status)).toEqual(Array(12).fill(504));
      await expect.poll(async () => (await stats(fixture)).pending, { timeout: 3000, interval: 50 }).toBeLessThanOrEqual(2);
    }
    // Idle keep-alive sockets stay within the pool's bound (64, + the GET stream, + this request).
    expect((await stats(fixture)).open).toBeLessThanOrEqual(66);
    // Every timed-out call was cancelled upstream too.
    expect((await stats(fixture)).cancelled.length).toBeGreaterThanOrEqual(24 + 3);
    expect(rssMb(adapter.child.pid!) - baseline).toBeLessThan(100);
    const ready = await request(`${adapter.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('a client that hangs up: its upstream request is aborted and cancelled before the call budget runs out', async () => {
    const before = (await stats(fixture)).cancelled.length;
    const t0 = performance.now();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(150) };
    await fetch(`${adapter.url}/tools/hang`, init).catch(() => undefined);
    await expect.poll(async () => (await stats(fixture)).cancelled.length, { timeout: 5000, interval: 20 }).toBe(before + 1);
    await expect.poll(async () => (await stats(fixture)).pending, { timeout: 5000, interval: 20 }).toBeLessThanOrEqual(2);
    // well before the 1 s call timeout would have cancelled it
    expect(performance.now() - t0).toBeLessThan(900);
  });
});

describe('what still works over the lean transport', () => {
  let fixture: ServerProcess & { url: string };
  let modernFixture: ServerProcess & { url: string };
  let s: Supervised;
  let modern: Supervised;
  beforeAll(async () => {
    [fixture, modernFixture] = await Promise.all([
      startUrlServer([process.execPath, FIXTURE], { mark }),
      startUrlServer([process.execPath, FIXTURE, '--modern'], { mark }),
    ]);
    s = await startSupervised({ kind: 'http', url: fixture.url, headers: {}, transport: 'streamable-http' });
    modern = await startSupervised({ kind: 'http', url: modernFixture.url, headers: {}, transport: 'auto' });
  });
  afterAll(async () => {
    await s?.close();
    await modern?.close();
    await fixture?.stop();
    await modernFixture?.stop();
  });

  it('progress in an SSE answer reaches the caller', async () => {
    const seen: number[] = [];
    const result = await s.supervisor.callTool('progress', { steps: 3 }, { timeoutMs: 5000, onProgress: (p) => seen.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: '3 steps' }]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('list_changed on the GET stream updates the routes', async () => {
    expect((await callTool(s.url, 'added_tool', {})).status).toBe(404);
    expect((await callTool(s.url, 'grow', { name: 'added_tool' })).status).toBe(200);
    await expect.poll(() => s.supervisor.catalog.tools.some((t) => t.name === 'added_tool'), { timeout: 5000 }).toBe(true);
  });

  it('a 404 on the session re-initializes and retries the call once', async () => {
    const before = (await stats(fixture)).initializes;
    expect((await callTool(s.url, 'expire', {})).status).toBe(200);
    const again = await callTool(s.url, 'echo', { id: 'after-expiry' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: 'after-expiry' });
    expect((await stats(fixture)).initializes).toBe(before + 1);
  });

  it('a 2026-07-28 server (no initialize, no session): discovered, called with _meta and Mcp-Method/Mcp-Name', async () => {
    expect(modern.supervisor.info?.session.stateless).toBe(true);
    expect(modern.supervisor.info?.session.serverInfo).toEqual({ name: 'http-misbehave-modern', version: '1.0.0' });
    const answer = await callTool(modern.url, 'echo', { id: 'modern' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 'modern' });
    expect((await callTool(modern.url, 'error500', {})).status).toBe(502);
    expect((await callTool(modern.url, 'echo_json', { id: 'again' })).body).toEqual({ id: 'again' });
    expect((await stats(modernFixture)).initializes).toBe(0);
  });
});
