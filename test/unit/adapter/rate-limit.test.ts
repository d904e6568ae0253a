import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { ANONYMOUS, type Identity } from '../../../src/adapter/identity/identity.js';
import { createRateLimiter, parseRateLimit } from '../../../src/adapter/rate-limit.js';
import { UsageError } from '../../../src/errors.js';

const req = (ip: string, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress: ip } }) as unknown as IncomingMessage;
const user = (key: string): Identity => ({ key, kind: 'credential' });

describe('parseRateLimit', () => {
  it.each([
    ['60/min', { limit: 60, windowMs: 60_000 }],
    ['60', { limit: 60, windowMs: 60_000 }],
    ['5/s', { limit: 5, windowMs: 1000 }],
    ['1000 / hour', { limit: 1000, windowMs: 3_600_000 }],
  ])('%s', (given, want) => expect(parseRateLimit(given)).toEqual(want));
  it.each(['0/min', '-1', 'ten', '5/day', ''])('refuses %j', (given) => expect(() => parseRateLimit(given)).toThrow(UsageError));
});

describe('createRateLimiter', () => {
  it('counts per IP without auth, and answers 429 with Retry-After past the limit', async () => {
    const limiter = createRateLimiter({ limit: 2 });
    try {
      await limiter.take(req('10.0.0.1'), ANONYMOUS);
      await limiter.take(req('10.0.0.1'), ANONYMOUS);
      await limiter.take(req('10.0.0.2'), ANONYMOUS);
      const error = await limiter.take(req('10.0.0.1'), ANONYMOUS).catch((e) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(429);
      expect(error.type).toBe('rate_limited');
      expect(Number(error.headers['Retry-After'])).toBeGreaterThanOrEqual(59);
    } finally {
      limiter.close();
    }
  });

  it('counts per verified identity, whatever the IP or the header text', async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000 });
    try {
      await limiter.take(req('10.0.0.1', { authorization: 'Bearer a' }), user('cred:a'));
      await limiter.take(req('10.0.0.1', { authorization: 'Bearer a' }), user('cred:b'));
      const error = await limiter.take(req('10.0.0.9', { authorization: 'bearer   a' }), user('cred:a')).catch((e) => e);
      expect(error.status).toBe(429);
      expect(error.headers['Retry-After']).toBe('1');
    } finally {
      limiter.close();
    }
  });
});

describe('refused credentials', () => {
  it('are counted per IP, apart from accepted calls, and answer 429 past the limit', async () => {
    const limiter = createRateLimiter({ limit: 2 });
    try {
      await limiter.takeRefused(req('10.0.0.1', { authorization: 'Bearer guess-1' }));
      await limiter.takeRefused(req('10.0.0.1', { authorization: 'Bearer guess-2' }));
      // a third guess with yet another credential from the same IP is still the same client
      const error = await limiter.takeRefused(req('10.0.0.1', { authorization: 'Bearer guess-3' })).catch((e) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(429);
      // another IP, and accepted calls from the first IP, have their own budgets
      await limiter.takeRefused(req('10.0.0.2'));
      await limiter.take(req('10.0.0.1', { authorization: 'Bearer s' }), user('cred:s'));
    } finally {
      limiter.close();
    }
  });
});
