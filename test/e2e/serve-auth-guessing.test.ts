/** With --rate-limit, guessing credentials is limited per IP: refused attempts end in 429, not endless 401s. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/adapter/rate-limit.js';
import { callTool, startAdapter, stdio, type Running } from './serve-helpers.js';

describe('credential guessing under --rate-limit', () => {
  let run: Running;
  const limiter = createRateLimiter({ limit: 3 }, { type: 'bearer', secret: 'tok-right' });
  beforeAll(async () => {
    run = await startAdapter(stdio('fixtures/servers/demo.mjs'), {
      specOptions: { serverUrl: 'https://api.example.com', auth: { type: 'bearer' } },
      auth: { type: 'bearer', secret: 'tok-right' },
      rateLimiter: limiter,
    });
  });
  afterAll(async () => {
    limiter.close();
    await run?.close();
  });

  it('answers 401 up to the limit, then 429 with Retry-After; the right credential still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await callTool(run.url, 'add', { a: 1, b: 2 }, { Authorization: `Bearer guess-${i}` });
      statuses.push(a.status);
      if (a.status === 429) {
        expect(a.body.error.type).toBe('rate_limited');
        expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const ok = await callTool(run.url, 'add', { a: 1, b: 2 }, { Authorization: 'Bearer tok-right' });
    expect(ok.status).toBe(200);
  });
});
