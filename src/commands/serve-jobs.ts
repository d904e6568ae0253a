/**
 * The long-running-call flags of `serve`: `--async-after`, `--job-timeout`, `--job-ttl` (and the spec flag
 * `--no-async`), parsed into a JobRunner over the in-memory JobStore, or over Redis with `--redis`.
 */
import type { Redis } from 'ioredis';
import { DEFAULT_ASYNC_AFTER_MS, DEFAULT_JOB_LEASE_MS, DEFAULT_JOB_TIMEOUT_MS, JobRunner } from '../adapter/jobs/job-runner.js';
import { DEFAULT_JOB_TTL_MS } from '../adapter/store/job-store.js';
import { MemoryJobStore } from '../adapter/store/memory-job-store.js';
import { RedisJobStore } from '../adapter/store/redis-job-store.js';
import { DEFAULT_FILE_TTL_MS, DEFAULT_MAX_FILE_BYTES, MemoryFileStore } from '../adapter/store/file-store.js';
import type { Logger } from 'pino';
import { UsageError } from '../errors.js';
import { parseIntFlag } from './serve-options.js';

export interface JobFlags {
  asyncAfter?: string;
  jobTimeout?: string;
  jobTtl?: string;
  jobLease?: string;
  filesTtl?: string;
  filesMaxBytes?: string;
}

/** Where files too large to send inline wait to be downloaded (GET /files/{id}). */
export function createFileStore(opts: JobFlags): MemoryFileStore {
  return new MemoryFileStore({
    ttlMs: parseIntFlag(opts.filesTtl, '--files-ttl', DEFAULT_FILE_TTL_MS),
    maxBytes: parseIntFlag(opts.filesMaxBytes, '--files-max-bytes', DEFAULT_MAX_FILE_BYTES),
  });
}

export interface JobSettings {
  asyncAfterMs: number;
  jobTimeoutMs: number;
  jobTtlMs: number;
  jobLeaseMs: number;
}

export function parseJobFlags(opts: JobFlags, callTimeoutMs: number): JobSettings {
  const asyncAfterMs = parseIntFlag(opts.asyncAfter, '--async-after', DEFAULT_ASYNC_AFTER_MS, 0);
  if (opts.asyncAfter !== undefined && asyncAfterMs > callTimeoutMs) {
    throw new UsageError(`--async-after ${asyncAfterMs} is longer than --call-timeout ${callTimeoutMs}: calls would answer 504 before they could become jobs`, {
      hint: `give --async-after a value below ${callTimeoutMs}, or --no-async`,
    });
  }
  return {
    // A --call-timeout under the default --async-after: calls become jobs when the call budget runs out.
    asyncAfterMs: Math.min(asyncAfterMs, callTimeoutMs),
    jobTimeoutMs: parseIntFlag(opts.jobTimeout, '--job-timeout', DEFAULT_JOB_TIMEOUT_MS),
    jobTtlMs: parseIntFlag(opts.jobTtl, '--job-ttl', DEFAULT_JOB_TTL_MS),
    jobLeaseMs: parseIntFlag(opts.jobLease, '--job-lease', DEFAULT_JOB_LEASE_MS, 300),
  };
}

/** The runner `serve` uses: jobs in this process's memory, or in Redis shared by the replicas (--redis). */
export function createJobRunner(settings: JobSettings, logger?: Logger, redis?: { client: Redis; prefix: string }): JobRunner {
  const limits = { ttlMs: settings.jobTtlMs, runningTtlMs: settings.jobTimeoutMs + 60_000 };
  const store = redis ? new RedisJobStore(redis.client, { ...limits, prefix: redis.prefix }) : new MemoryJobStore(limits);
  return new JobRunner({ store, asyncAfterMs: settings.asyncAfterMs, jobTimeoutMs: settings.jobTimeoutMs, leaseMs: settings.jobLeaseMs, ...(logger ? { logger } : {}) });
}
