import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { InflightLimiter } from '../../../src/adapter/inflight.js';
import type { ToolCaller } from '../../../src/adapter/upstream.js';

/** A caller whose calls finish when the test says so. */
function gate() {
  const pending: { name: string; timeoutMs: number; finish: () => void }[] = [];
  const caller: ToolCaller = {
    catalog: { server: { name: 's', version: '1' }, tools: [] },
    ready: true,
    callTool: (name, _args, options) =>
      new Promise((resolve) => pending.push({ name, timeoutMs: options.timeoutMs, finish: () => resolve({ content: [{ type: 'text', text: name }] }) })),
  };
  return { caller, pending };
}

describe('InflightLimiter', () => {
  it('runs maxInflight calls, queues maxQueue, answers 503 + Retry-After past that, and hands slots on in order', async () => {
    const { caller, pending } = gate();
    const limiter = new InflightLimiter(caller, { maxInflight: 2, maxQueue: 1, retryAfterSeconds: 2 });
    const calls = ['a', 'b', 'c'].map((n) => limiter.callTool(n, {}, { timeoutMs: 10_000 }));
    const rejected = await limiter.callTool('d', {}, { timeoutMs: 10_000 }).catch((e) => e);
    expect(rejected).toBeInstanceOf(HttpError);
    expect(rejected.status).toBe(503);
    expect(rejected.type).toBe('overloaded');
    expect(rejected.headers).toEqual({ 'Retry-After': '2' });
    expect(pending.map((p) => p.name)).toEqual(['a', 'b']);
    expect(limiter.load).toEqual({ active: 2, queued: 1 });
    pending[0]!.finish();
    await calls[0];
    await new Promise((r) => setImmediate(r));
    expect(pending.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(pending[2]!.timeoutMs).toBeLessThanOrEqual(10_000);
    pending[1]!.finish();
    pending[2]!.finish();
    await Promise.all(calls);
    expect(limiter.load).toEqual({ active: 0, queued: 0 });
  });

  it('drops a queued call whose client went away', async () => {
    const { caller, pending } = gate();
    const limiter = new InflightLimiter(caller, { maxInflight: 1, maxQueue: 5 });
    const first = limiter.callTool('a', {}, { timeoutMs: 1000 });
    const controller = new AbortController();
    const queued = limiter.callTool('b', {}, { timeoutMs: 1000, signal: controller.signal });
    controller.abort(new Error('client gone'));
    await expect(queued).rejects.toThrow('client gone');
    expect(limiter.load).toEqual({ active: 1, queued: 0 });
    pending[0]!.finish();
    await first;
    expect(pending).toHaveLength(1);
    expect(limiter.load).toEqual({ active: 0, queued: 0 });
  });
});
