/** With --rate-limit, guessing credentials is limited per IP: refused attempts end in 429, not endless 401s. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/adapter/rate-limit.js';
import { callTool, startAdapter, stdio, type Running } from './serve-helpers.js';

describe('credential guessing under --rate-limit', () => {
  let run: Running;
  const limiter = createRateLimiter({ limit: 3 });
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

describe('--rate-limit counts per verified identity, not per header text', () => {
  it('one bearer token spelled many ways shares one budget', async () => {
    const limiter = createRateLimiter({ limit: 3 });
    const run = await startAdapter(stdio('fixtures/servers/demo.mjs'), {
      specOptions: { serverUrl: 'https://api.example.com', auth: { type: 'bearer' } },
      auth: { type: 'bearer', secret: 'tok-right' },
      rateLimiter: limiter,
    });
    try {
      const statuses: number[] = [];
      for (const header of ['Bearer tok-right', 'bearer tok-right', 'BEARER   tok-right', 'Bearer tok-right  ', 'bEaReR tok-right']) {
        statuses.push((await callTool(run.url, 'add', { a: 1, b: 2 }, { Authorization: header })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      limiter.close();
      await run.close();
    }
  });

  it('one API key sent under every spelling of its header shares one budget', async () => {
    const limiter = createRateLimiter({ limit: 3 });
    const run = await startAdapter(stdio('fixtures/servers/demo.mjs'), {
      specOptions: { serverUrl: 'https://api.example.com', auth: { type: 'api-key' } },
      auth: { type: 'api-key', header: 'X-API-Key', secret: 'key-right' },
      rateLimiter: limiter,
    });
    try {
      const statuses: number[] = [];
      for (const name of ['X-API-Key', 'x-api-key', 'X-API-KEY', 'x-Api-kEy', 'X-Api-Key']) {
        statuses.push((await callTool(run.url, 'add', { a: 1, b: 2 }, { [name]: name === 'X-API-KEY' ? '  key-right ' : 'key-right' })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      limiter.close();
      await run.close();
    }
  });

  it('one basic credential with base64 noise shares one budget', async () => {
    const limiter = createRateLimiter({ limit: 2 });
    const run = await startAdapter(stdio('fixtures/servers/demo.mjs'), {
      specOptions: { serverUrl: 'https://api.example.com', auth: { type: 'basic' } },
      auth: { type: 'basic', secret: 'ann:pw-1' },
      rateLimiter: limiter,
    });
    try {
      const b64 = Buffer.from('ann:pw-1').toString('base64');
      const statuses: number[] = [];
      for (const noisy of [b64, `${b64.slice(0, 3)}!${b64.slice(3)}`, `${b64.slice(0, 5)}*.*${b64.slice(5)}`]) {
        statuses.push((await callTool(run.url, 'add', { a: 1, b: 2 }, { Authorization: `Basic ${noisy}` })).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      limiter.close();
      await run.close();
    }
  });
});
