/**
 * The JobStore of `serve --redis`: jobs in Redis, so every replica sharing it can read a job another one runs.
 * Same contract and bounds as the memory store (test/unit/adapter/store/job-store-contract.ts): each change is one
 * Lua script, atomic across replicas, that also enforces the count and byte bounds (oldest finished jobs go
 * first; working jobs are never dropped for room).
 *
 * Keys, all under the prefix (default "mcp-actions:"), all expiring:
 *   job:{id}     hash: meta (id, owner, tool, createdAt, pollAfterS as JSON), state, updatedAt, expiresAt,
 *                leaseUntil, progress (JSON), response (JSON), bytes; PEXPIRE = the job's own lifetime
 *   jobs:live    zset id → expiresAt (the count bound, and the sweep of expired jobs' accounting)
 *   jobs:done    zset id → completion order (oldest finished first)
 *   jobs:sizes   hash id → bytes of its answer;  jobs:bytes  the sum;  jobs:seq  the completion counter
 * The index keys expire after the longest job lifetime, renewed on each write: an idle prefix leaves nothing.
 * One Redis (or a primary with replicas): the scripts touch keys they compute, which Redis Cluster refuses.
 */
import type { Redis } from 'ioredis';
import {
  DEFAULT_JOB_RUNNING_TTL_MS,
  DEFAULT_JOB_TTL_MS,
  DEFAULT_MAX_JOB_BYTES,
  DEFAULT_MAX_JOBS,
  JobStoreFullError,
  responseBytes,
  StoreUnavailableError,
  type JobProgress,
  type JobRecord,
  type JobStore,
  type JobStoreLimits,
  type NewJob,
  type StoredResponse,
} from './job-store.js';

export const DEFAULT_REDIS_PREFIX = 'mcp-actions:';

/** Shared by every script: ARGV[1] = prefix, ARGV[2] = now (ms), ARGV[3] = index TTL (ms). */
const PRELUDE = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local indexTtl = tonumber(ARGV[3])
local live, done, sizes, total, seq = P..'jobs:live', P..'jobs:done', P..'jobs:sizes', P..'jobs:bytes', P..'jobs:seq'
local function drop(id)
  local b = redis.call('HGET', sizes, id)
  if b then
    redis.call('DECRBY', total, b)
    redis.call('HDEL', sizes, id)
  end
  redis.call('ZREM', live, id)
  redis.call('ZREM', done, id)
  redis.call('DEL', P..'job:'..id)
end
local function sweep()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', live, '-inf', now, 'LIMIT', 0, 1000)) do drop(id) end
end
local function touch()
  for _, k in ipairs({live, done, sizes, total, seq}) do
    if redis.call('EXISTS', k) == 1 then redis.call('PEXPIRE', k, indexTtl) end
  end
end
`;

/** ARGV[4] id, [5] meta JSON, [6] running TTL, [7] max jobs, [8] progress JSON or '', [9] lease or ''. 1 ok, -1 full, -2 exists. */
const CREATE = `${PRELUDE}
local id, ttl, maxJobs = ARGV[4], tonumber(ARGV[6]), tonumber(ARGV[7])
local k = P..'job:'..id
sweep()
if redis.call('EXISTS', k) == 1 then return -2 end
while redis.call('ZCARD', live) >= maxJobs do
  local oldest = redis.call('ZRANGE', done, 0, 0)
  if #oldest == 0 then return -1 end
  drop(oldest[1])
end
redis.call('HSET', k, 'meta', ARGV[5], 'state', 'working', 'updatedAt', now, 'expiresAt', now + ttl)
if ARGV[8] ~= '' then redis.call('HSET', k, 'progress', ARGV[8]) end
if ARGV[9] ~= '' then redis.call('HSET', k, 'leaseUntil', ARGV[9]) end
redis.call('PEXPIRE', k, ttl)
redis.call('ZADD', live, now + ttl, id)
touch()
return 1
`;

/** ARGV[4] id, [5] progress JSON. 1 recorded, 0 gone or done. */
const PROGRESS = `${PRELUDE}
local k = P..'job:'..ARGV[4]
if redis.call('HGET', k, 'state') ~= 'working' then return 0 end
redis.call('HSET', k, 'progress', ARGV[5], 'updatedAt', now)
return 1
`;

/** ARGV[4] lease, [5…] ids. The ids still working, their lease renewed. */
const RENEW = `${PRELUDE}
local alive = {}
for i = 5, #ARGV do
  local k = P..'job:'..ARGV[i]
  if redis.call('HGET', k, 'state') == 'working' then
    redis.call('HSET', k, 'leaseUntil', ARGV[4])
    alive[#alive + 1] = ARGV[i]
  end
end
return alive
`;

/** ARGV[4] id, [5] response JSON, [6] bytes, [7] TTL, [8] max bytes. 1 stored, 0 gone or done, -1 no room. */
const COMPLETE = `${PRELUDE}
local id, bytes, ttl, maxBytes = ARGV[4], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local k = P..'job:'..id
sweep()
if redis.call('HGET', k, 'state') ~= 'working' then return 0 end
if bytes > maxBytes then return -1 end
while tonumber(redis.call('GET', total) or '0') + bytes > maxBytes do
  local oldest = redis.call('ZRANGE', done, 0, 0)
  if #oldest == 0 then return -1 end
  drop(oldest[1])
end
redis.call('HSET', k, 'state', 'done', 'response', ARGV[5], 'bytes', bytes, 'updatedAt', now, 'expiresAt', now + ttl)
redis.call('PEXPIRE', k, ttl)
redis.call('ZADD', live, now + ttl, id)
redis.call('ZADD', done, redis.call('INCR', seq), id)
redis.call('HSET', sizes, id, bytes)
redis.call('INCRBY', total, bytes)
touch()
return 1
`;

/** ARGV[4] id. */
const EXPIRE = `${PRELUDE}
drop(ARGV[4])
return 1
`;

type Script = (...args: (string | number)[]) => Promise<number>;
interface ScriptedRedis extends Redis {
  mcpaJobCreate: Script;
  mcpaJobProgress: Script;
  mcpaJobComplete: Script;
  mcpaJobExpire: Script;
  mcpaJobRenew: (...args: (string | number)[]) => Promise<string[]>;
}

export interface RedisJobStoreOptions extends JobStoreLimits {
  /** Prepended to every key (default "mcp-actions:"). */
  prefix?: string;
}

export class RedisJobStore implements JobStore {
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly runningTtlMs: number;
  private readonly maxJobs: number;
  private readonly maxBytes: number;
  private readonly indexTtlMs: number;

  /** `client` is shared (the rate limiter uses it too) and stays open when the store closes. */
  constructor(client: Redis, options: RedisJobStoreOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.ttlMs = options.ttlMs ?? DEFAULT_JOB_TTL_MS;
    this.runningTtlMs = options.runningTtlMs ?? DEFAULT_JOB_RUNNING_TTL_MS;
    this.maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_JOB_BYTES;
    this.indexTtlMs = Math.max(this.ttlMs, this.runningTtlMs) + 1000;
    const scripted = client as ScriptedRedis;
    // ioredis sends EVALSHA and falls back to EVAL once after a restart flushed Redis's script cache.
    if (!scripted.mcpaJobCreate) {
      client.defineCommand('mcpaJobCreate', { numberOfKeys: 0, lua: CREATE });
      client.defineCommand('mcpaJobProgress', { numberOfKeys: 0, lua: PROGRESS });
      client.defineCommand('mcpaJobComplete', { numberOfKeys: 0, lua: COMPLETE });
      client.defineCommand('mcpaJobExpire', { numberOfKeys: 0, lua: EXPIRE });
      client.defineCommand('mcpaJobRenew', { numberOfKeys: 0, lua: RENEW });
    }
    this.redis = scripted;
  }

  async create(job: NewJob): Promise<JobRecord> {
    const now = Date.now();
    const meta = { id: job.id, owner: job.owner, tool: job.tool, createdAt: now, pollAfterS: job.pollAfterS };
    const progress = job.progress ? JSON.stringify(job.progress) : '';
    const lease = job.leaseUntil !== undefined ? String(job.leaseUntil) : '';
    const done = await this.run(() =>
      this.redis.mcpaJobCreate(...this.base(now), job.id, JSON.stringify(meta), this.runningTtlMs, this.maxJobs, progress, lease),
    );
    if (done === -2) throw new Error(`job ${job.id} exists already`);
    if (done === -1) throw new JobStoreFullError(`${this.maxJobs} jobs are running, the most the adapter keeps`);
    return {
      ...meta,
      state: 'working',
      updatedAt: now,
      expiresAt: now + this.runningTtlMs,
      ...(job.leaseUntil !== undefined ? { leaseUntil: job.leaseUntil } : {}),
      ...(job.progress ? { progress: JSON.parse(progress) as JobProgress } : {}),
    };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const fields = await this.run(() => this.redis.hgetall(this.key(id)));
    if (!fields.meta) return undefined;
    const expiresAt = Number(fields.expiresAt);
    if (expiresAt <= Date.now()) return undefined;
    const meta = JSON.parse(fields.meta) as Pick<JobRecord, 'id' | 'owner' | 'tool' | 'createdAt' | 'pollAfterS'>;
    return {
      ...meta,
      state: fields.state === 'done' ? 'done' : 'working',
      updatedAt: Number(fields.updatedAt),
      expiresAt,
      ...(fields.leaseUntil ? { leaseUntil: Number(fields.leaseUntil) } : {}),
      ...(fields.progress ? { progress: JSON.parse(fields.progress) as JobProgress } : {}),
      ...(fields.response ? { response: JSON.parse(fields.response) as StoredResponse } : {}),
    };
  }

  async progress(id: string, progress: JobProgress): Promise<boolean> {
    return (await this.run(() => this.redis.mcpaJobProgress(...this.base(Date.now()), id, JSON.stringify(progress)))) === 1;
  }

  async renew(ids: string[], leaseUntil: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.run(() => this.redis.mcpaJobRenew(...this.base(Date.now()), leaseUntil, ...ids));
  }

  async complete(id: string, response: StoredResponse): Promise<boolean> {
    const size = responseBytes(response);
    const json = JSON.stringify({ status: response.status, json: response.json, ...(response.headers ? { headers: response.headers } : {}) });
    const done = await this.run(() => this.redis.mcpaJobComplete(...this.base(Date.now()), id, json, size, this.ttlMs, this.maxBytes));
    if (done === -1) throw new JobStoreFullError(`the answer (${size} bytes) does not fit in the job store (${this.maxBytes} bytes)`);
    return done === 1;
  }

  async expire(id: string): Promise<void> {
    await this.run(() => this.redis.mcpaJobExpire(...this.base(Date.now()), id));
  }

  /** The connection is shared: closing the store leaves it open. */
  async close(): Promise<void> {}

  private key(id: string): string {
    return `${this.prefix}job:${id}`;
  }

  private base(now: number): [string, number, number] {
    return [this.prefix, now, this.indexTtlMs];
  }

  /** Any failure to reach Redis (down, timed out) becomes StoreUnavailableError: the adapter answers 503. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError(`Redis did not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
