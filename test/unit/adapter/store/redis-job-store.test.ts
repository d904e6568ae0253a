/**
 * RedisJobStore against a real redis-server: the JobStore contract (as the memory store passes it), then what only
 * a shared store has to do: replicas see each other's jobs under one bound, every key is namespaced and expires,
 * and a Redis that does not answer is StoreUnavailableError, not a hang. The rate limiter's Redis count too.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../../src/adapter/rate-limit.js';
import { StoreUnavailableError } from '../../../../src/adapter/store/job-store.js';
import { RedisConnection } from '../../../../src/adapter/store/redis-connection.js';
import { RedisJobStore } from '../../../../src/adapter/store/redis-job-store.js';
import { freePort, newMark } from '../../../helpers/cli.js';
import { startRedis, type RedisServer } from '../../../helpers/redis.js';
import { jobStoreContract } from './job-store-contract.js';

const mark = newMark();
let redis: RedisServer;
let connection: RedisConnection;
beforeAll(async () => {
  redis = await startRedis({ mark });
  connection = new RedisConnection(redis.url);
  await connection.connect();
});
afterAll(async () => {
  await connection?.close();
  await redis?.destroy();
});

// Each store of the contract gets a prefix of its own: they share one redis-server.
jobStoreContract('redis', (limits) => new RedisJobStore(connection.client, { ...limits, prefix: `t-${randomUUID()}:` }));

const job = (id: string) => ({ id, owner: 'cred:alice', tool: 'slow', pollAfterS: 5 });

describe('RedisJobStore: shared by replicas', () => {
  it('a job created through one store is read, completed and expired through another on the same prefix', async () => {
    const prefix = `t-${randomUUID()}:`;
    const a = new RedisJobStore(connection.client, { prefix });
    const b = new RedisJobStore(connection.client, { prefix });
    const other = new RedisJobStore(connection.client, { prefix: `t-${randomUUID()}:` });
    await a.create(job('shared-1'));
    expect(await b.get('shared-1')).toMatchObject({ state: 'working', owner: 'cred:alice' });
    expect(await other.get('shared-1')).toBeUndefined();
    expect(await b.complete('shared-1', { status: 200, json: '{"result":"ok"}' })).toBe(true);
    expect(await a.get('shared-1')).toMatchObject({ state: 'done', response: { status: 200, json: '{"result":"ok"}' } });
    await a.expire('shared-1');
    expect(await b.get('shared-1')).toBeUndefined();
  });

  it('the count bound holds across stores on one prefix (not per store)', async () => {
    const prefix = `t-${randomUUID()}:`;
    const a = new RedisJobStore(connection.client, { prefix, maxJobs: 2 });
    const b = new RedisJobStore(connection.client, { prefix, maxJobs: 2 });
    await a.create(job('x'));
    await b.create(job('y'));
    await expect(a.create(job('z'))).rejects.toThrow(/2 jobs are running/);
    await expect(b.create(job('z'))).rejects.toThrow(/2 jobs are running/);
  });

  it('every key is under the prefix and expires; finished answers are accounted and given back', async () => {
    const prefix = `t-${randomUUID()}:`;
    const s = new RedisJobStore(connection.client, { prefix, ttlMs: 60_000, runningTtlMs: 120_000 });
    await s.create(job('k1'));
    await s.create({ ...job('k2'), progress: { message: 'queued' } });
    await s.progress('k2', { progress: 1, total: 2 });
    await s.complete('k1', { status: 200, json: '{"result":"12345"}', headers: { 'X-A': '1' } });
    const keys = await connection.client.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([`${prefix}job:k1`, `${prefix}job:k2`, `${prefix}jobs:bytes`, `${prefix}jobs:done`, `${prefix}jobs:live`, `${prefix}jobs:seq`, `${prefix}jobs:sizes`].sort());
    for (const key of keys) {
      const ttl = await connection.client.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(121_000);
    }
    expect(Number(await connection.client.get(`${prefix}jobs:bytes`))).toBe(Buffer.byteLength('{"result":"12345"}') + 'X-A'.length + 1);
    await s.expire('k1');
    expect(Number(await connection.client.get(`${prefix}jobs:bytes`))).toBe(0);
  });

  it('a Redis that does not answer is StoreUnavailableError at once, for every method', async () => {
    const dead = new RedisConnection(`redis://127.0.0.1:${await freePort()}`);
    try {
      const s = new RedisJobStore(dead.client, { prefix: 'dead:' });
      const started = performance.now();
      await expect(s.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.create(job('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.progress('x', {})).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.complete('x', { status: 200, json: '{}' })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(s.expire('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await dead.close();
    }
  });
});

describe('rate limit in Redis', () => {
  const req = { socket: { remoteAddress: '127.0.0.1' } } as IncomingMessage;
  const alice = { kind: 'static', key: 'cred:alice' } as never;

  it('two limiters on one prefix (two replicas) share one budget: exactly N of 2N pass', async () => {
    const prefix = `t-${randomUUID()}:`;
    const a = createRateLimiter({ limit: 5, windowMs: 60_000 }, { redis: { client: connection.client, prefix } });
    const b = createRateLimiter({ limit: 5, windowMs: 60_000 }, { redis: { client: connection.client, prefix } });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take(req, alice).then(() => 200, (e: { status: number }) => e.status)));
    expect(outcomes.filter((s) => s === 200)).toHaveLength(5);
    expect(outcomes.filter((s) => s === 429)).toHaveLength(5);
    const keys = await connection.client.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}rl:id:cred:alice`]);
    expect(await connection.client.pttl(keys[0]!)).toBeGreaterThan(0);
    a.close();
    b.close();
  });

  it('a Redis that does not answer refuses the call with 503 + Retry-After (never lets it through uncounted)', async () => {
    const dead = new RedisConnection(`redis://127.0.0.1:${await freePort()}`);
    try {
      const limiter = createRateLimiter({ limit: 5 }, { redis: { client: dead.client, prefix: 'dead:' } });
      const error = await limiter.take(req, alice).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ status: 503, type: 'upstream_unavailable', headers: { 'Retry-After': '2' } });
      expect((error as Error).cause).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await dead.close();
    }
  });
});
