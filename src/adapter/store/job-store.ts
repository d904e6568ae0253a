/**
 * Where long-running calls ("jobs") are recorded: who started one, how far it got, and, once it is done, the exact
 * HTTP answer the synchronous call would have given. The running work itself stays on the replica that started
 * it; the store only holds its state, so a job started on one replica can be polled through another when the
 * store is shared (Redis). Every method is async and every value JSON-serialisable, for that reason.
 *
 * The store enforces its own bounds: a finished job lives `ttlMs`, a working one `runningTtlMs` (so the
 * record of a replica that died goes away), at most `maxJobs` records and `maxBytes` of stored answers.
 */

/** One `notifications/progress` (or a task's status message): what `job.progress` shows. */
export interface JobProgress {
  progress?: number;
  total?: number;
  message?: string;
}

/** A job's final answer: exactly what the synchronous call would have answered. */
export interface StoredResponse {
  status: number;
  /** The body as sent on the wire. */
  json: string;
  headers?: Record<string, string>;
}

export interface JobRecord {
  /** Unguessable (128 bits or more, base64url). */
  id: string;
  /** `identity.key` of the caller that started it: nobody else may read it. */
  owner: string;
  /** The MCP tool it runs (for logs). */
  tool: string;
  state: 'working' | 'done';
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** After this the store forgets the job (milliseconds since the epoch). */
  expiresAt: number;
  /** Seconds the caller should wait before polling again. */
  pollAfterS: number;
  /**
   * While working: the replica running it renews this (milliseconds since the epoch); once it is past, that
   * replica is gone (killed, lost) and the job will never end by itself.
   */
  leaseUntil?: number;
  progress?: JobProgress;
  /** Set when `state` is 'done'. */
  response?: StoredResponse;
}

export interface NewJob {
  id: string;
  owner: string;
  tool: string;
  pollAfterS: number;
  leaseUntil?: number;
  progress?: JobProgress;
}

export interface JobStoreLimits {
  /** How long a finished job stays readable (default 1 h, `--job-ttl`). */
  ttlMs?: number;
  /** How long a job may stay 'working' before its record is dropped (default 2 h). */
  runningTtlMs?: number;
  /** Most jobs recorded at once, working or done (default 1000). */
  maxJobs?: number;
  /** Most bytes of finished answers kept at once (default 64 MiB). */
  maxBytes?: number;
}

export const DEFAULT_JOB_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_JOB_RUNNING_TTL_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_MAX_JOBS = 1000;
export const DEFAULT_MAX_JOB_BYTES = 64 * 1024 * 1024;

export interface JobStore {
  /** Records a new working job. Rejects with JobStoreFullError when the bounds leave no room for it. */
  create(job: NewJob): Promise<JobRecord>;
  /** The job, or undefined when it is unknown or expired. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Records progress of a working job. False when the job is gone (expired, cancelled, or done). */
  progress(id: string, progress: JobProgress): Promise<boolean>;
  /**
   * Records the final answer; from now the job lives `ttlMs`. False when the job is gone. Rejects with
   * JobStoreFullError when the answer does not fit in `maxBytes` even after dropping older finished jobs.
   */
  complete(id: string, response: StoredResponse): Promise<boolean>;
  /**
   * Sets `leaseUntil` of those of `ids` that are still working; resolves with them (the others are gone or
   * done: whoever runs them may stop).
   */
  renew(ids: string[], leaseUntil: number): Promise<string[]>;
  /** Forgets a job now (cancelled, or read for the last time). */
  expire(id: string): Promise<void>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** The store's bounds leave no room: the adapter answers 503 (or stores a short error instead of the answer). */
export class JobStoreFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobStoreFullError';
  }
}

/**
 * The store is not reachable (Redis down, or too slow to answer): nothing was recorded or read. The adapter
 * answers 503 with Retry-After where it needed the store, and keeps serving what needs none.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Bytes a finished answer takes in a store (what maxBytes counts). */
export function responseBytes(response: StoredResponse): number {
  let n = Buffer.byteLength(response.json);
  if (response.headers) for (const [k, v] of Object.entries(response.headers)) n += k.length + v.length;
  return n;
}
