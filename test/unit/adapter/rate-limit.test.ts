import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { ANONYMOUS, type Identity } from '../../../src/adapter/identity/identity.js';
import { clientNetwork, createRateLimiter, parseRateLimit } from '../../../src/adapter/rate-limit.js';
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

describe('clientNetwork', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (given, want) => expect(clientNetwork(given)).toBe(want));
});

describe('an IPv6 client', () => {
  it('has one anonymous budget for its whole /64, for calls and for refused credentials', async () => {
    const limiter = createRateLimiter({ limit: 2 });
    try {
      await limiter.take(req('2001:db8:1:2::1'), ANONYMOUS);
      await limiter.take(req('2001:db8:1:2::2'), ANONYMOUS);
      expect((await limiter.take(req('2001:db8:1:2:ffff::3'), ANONYMOUS).catch((e) => e)).status).toBe(429);
      await limiter.take(req('2001:db8:1:3::1'), ANONYMOUS); // another /64: its own budget
      await limiter.takeRefused(req('2001:db8:9:9::a'));
      await limiter.takeRefused(req('2001:db8:9:9::b'));
      expect((await limiter.takeRefused(req('2001:db8:9:9::c')).catch((e) => e)).status).toBe(429);
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
