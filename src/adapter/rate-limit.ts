/**
 * `--rate-limit N/min`: a fixed one-minute window per verified identity (per client IP for anonymous callers),
 * counted by express-rate-limit's MemoryStore, or with `--redis` by rate-limit-redis (one budget for every
 * replica); over the limit → 429 with `Retry-After`. Counting by identity, never by header text, means one
 * credential spelled many ways ("Bearer", "bearer  ", base64 noise) is still one budget.
 * When the Redis count fails (Redis down or slow) the call is refused with 503 + Retry-After rather than let
 * through uncounted: a limit that lapses whenever Redis does is no limit.
 */
import type { IncomingMessage } from 'node:http';
import type { Options, Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { lazyModule } from '../lazy-module.js';

const rateLimit = lazyModule<typeof import('express-rate-limit')>('express-rate-limit');
const rateLimitRedis = lazyModule<typeof import('rate-limit-redis')>('rate-limit-redis');
import { UsageError } from '../errors.js';
import { StoreUnavailableError } from './store/job-store.js';
import { HttpError } from './http-error.js';
import type { Identity } from './identity/identity.js';

export interface RateLimit {
  /** Calls allowed per window. */
  limit: number;
  /** Window length (default 60 000 ms). */
  windowMs?: number;
}

export interface RateLimiter {
  /**
   * Counts one call of a verified identity (anonymous callers: per client IP); throws HttpError 429 when over
   * the limit.
   */
  take(req: IncomingMessage, identity: Identity): Promise<void>;
  /**
   * Counts a call whose credentials were refused, per client IP (a guessed credential is no identity):
   * throws HttpError 429 when over the limit, so credentials cannot be guessed at full speed.
   */
  takeRefused(req: IncomingMessage): Promise<void>;
  /** Stops the store's cleanup timer. */
  close(): void;
}

/** Parses "N/min", "N/s", "N/h" or a bare N (per minute). */
export function parseRateLimit(value: string): RateLimit {
  const m = /^\s*(\d+)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--rate-limit "${value}" is not a rate`, { hint: 'e.g. --rate-limit 60/min (calls per credential, or per IP without auth)' });
  }
  const unit = (m[2] ?? 'min').toLowerCase()[0];
  return { limit: n, windowMs: unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : 60_000 };
}

/** Where the counts live: this process (default), or Redis shared by the replicas. */
export interface RateLimitStoreOptions {
  redis?: { client: Redis; prefix: string };
}

/** Seconds a caller is told to wait when the shared count cannot be taken. */
const STORE_RETRY_AFTER_S = '2';

export function createRateLimiter(rate: RateLimit, options: RateLimitStoreOptions = {}): RateLimiter {
  const windowMs = rate.windowMs ?? 60_000;
  const store = options.redis ? redisStore(options.redis.client, `${options.redis.prefix}rl:`, windowMs) : memoryStore(windowMs);
  // identity.key is already a digest: the store never holds a caller's secret.
  const keyOf = (req: IncomingMessage, identity: Identity): string => (identity.kind === 'anonymous' ? ipKey(req) : `id:${identity.key}`);
  const ipKey = (req: IncomingMessage): string => `ip:${clientNetwork(req.socket.remoteAddress)}`;
  const count = async (key: string): Promise<void> => {
    const { totalHits, resetTime } = await store.increment(key);
    if (totalHits <= rate.limit) return;
    const after = String(Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000)));
    throw new HttpError(429, 'rate_limited', `more than ${rate.limit} calls in ${windowMs / 1000} s from this client; retry in ${after} s`, {
      headers: { 'Retry-After': after },
    });
  };
  return {
    take: (req, identity) => count(keyOf(req, identity)),
    takeRefused: (req) => count(`refused:${ipKey(req)}`),
    close: () => store.shutdown?.(),
  };
}

function memoryStore(windowMs: number): Store {
  const store = new (rateLimit().MemoryStore)();
  store.init({ windowMs } as Options);
  return store;
}

/**
 * rate-limit-redis through the shared ioredis client: one EVALSHA per counted call. Its scripts are loaded
 * again after any failure (a restarted Redis has forgotten them, and a load that failed while Redis was away
 * would otherwise stay failed); a failure becomes 503 + Retry-After.
 */
function redisStore(client: Redis, prefix: string, windowMs: number): Store {
  const { RedisStore } = rateLimitRedis();
  const store = new RedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<never>,
  });
  let loaded: Promise<void> | undefined;
  const load = () => (loaded ??= store.init({ windowMs } as Options).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  }));
  void load().catch(() => undefined);
  return {
    async increment(key: string) {
      try {
        await load();
        return await store.increment(key);
      } catch (error) {
        loaded = undefined;
        throw new HttpError(503, 'upstream_unavailable', `the shared rate-limit count (Redis) is not reachable; retry in ${STORE_RETRY_AFTER_S} s`, {
          headers: { 'Retry-After': STORE_RETRY_AFTER_S },
          cause: new StoreUnavailableError(`Redis did not count the call: ${error instanceof Error ? error.message : String(error)}`, { cause: error }),
        });
      }
    },
    decrement: (key: string) => store.decrement(key),
    resetKey: (key: string) => store.resetKey(key),
  };
}

/**
 * The unit an anonymous budget is counted on: an IPv4 address (IPv4-mapped IPv6 included), or the /64 network of
 * an IPv6 address. One IPv6 subscriber holds a whole /64 (2^64 addresses): counting per address would give them
 * a fresh budget per request.
 */
export function clientNetwork(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.replace(/^0+/, '') || '0'))
    .join(':')}::/64`;
}
