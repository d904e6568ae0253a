/**
 * The bench's warm-up (bench/lib/load.mjs): each front runs until it answered a number of calls, since V8
 * optimises by calls, not by seconds; a slow front stops at the time cap instead. Fake fronts: a call that takes
 * `ms` milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { warmUp } from '../../../bench/lib/load.mjs';

const front = (ms: number) => {
  let calls = 0;
  return {
    call: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(++calls > 0), ms)),
    count: () => calls,
  };
};

describe('bench warm-up', () => {
  it('goes on past minSeconds until the front answered the calls asked for', async () => {
    const f = front(5); // 4 callers × ~200 calls/s: 400 calls take about 0.5 s, longer than minSeconds
    const warm = await warmUp(f.call, { concurrency: 4, minSeconds: 0.1, calls: 400, maxSeconds: 5 });
    expect(warm.calls).toBeGreaterThanOrEqual(400);
    expect(warm.seconds).toBeLessThan(5);
    expect(warm.errors).toBe(0);
    expect(f.count()).toBeGreaterThan(warm.calls); // plus the sequential part
  });

  it('stops at maxSeconds when the front is too slow to reach the calls', async () => {
    const warm = await warmUp(front(50).call, { concurrency: 2, minSeconds: 0.1, calls: 1_000_000, maxSeconds: 0.6 });
    expect(warm.calls).toBeLessThan(1_000_000);
    expect(warm.seconds).toBeGreaterThanOrEqual(0.6);
    expect(warm.seconds).toBeLessThan(2);
  });

  it('runs minSeconds only when no calls are asked for (--quick)', async () => {
    const warm = await warmUp(front(1).call, { concurrency: 2, minSeconds: 0.2, calls: 0, maxSeconds: 15 });
    expect(warm.seconds).toBeLessThan(1);
    expect(warm.calls).toBeGreaterThan(0);
  });
});
