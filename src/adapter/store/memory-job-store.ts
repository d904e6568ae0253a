/**
 * The default JobStore: a Map in this process. Expired jobs go on read and in a sweep once a minute; when the
 * count or byte bound is reached the oldest finished jobs go first; working jobs are never dropped for room.
 */
import {
  DEFAULT_JOB_RUNNING_TTL_MS,
  DEFAULT_JOB_TTL_MS,
  DEFAULT_MAX_JOB_BYTES,
  DEFAULT_MAX_JOBS,
  JobStoreFullError,
  responseBytes,
  type JobProgress,
  type JobRecord,
  type JobStore,
  type JobStoreLimits,
  type NewJob,
  type StoredResponse,
} from './job-store.js';

const SWEEP_MS = 60_000;

export interface MemoryJobStoreOptions extends JobStoreLimits {
  /** The clock (tests). */
  now?: () => number;
}

export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  /** Finished jobs, oldest first: the first to go when room is needed. */
  private readonly finished = new Set<string>();
  private bytes = 0;
  private readonly ttlMs: number;
  private readonly runningTtlMs: number;
  private readonly maxJobs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryJobStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_JOB_TTL_MS;
    this.runningTtlMs = options.runningTtlMs ?? DEFAULT_JOB_RUNNING_TTL_MS;
    this.maxJobs = options.maxJobs ?? DEFAULT_MAX_JOBS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_JOB_BYTES;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Jobs and bytes held now (tests, metrics). */
  get size(): { jobs: number; bytes: number } {
    return { jobs: this.jobs.size, bytes: this.bytes };
  }

  async create(job: NewJob): Promise<JobRecord> {
    if (this.jobs.has(job.id)) throw new Error(`job ${job.id} exists already`);
    if (this.jobs.size >= this.maxJobs) {
      this.sweep();
      while (this.jobs.size >= this.maxJobs && this.finished.size > 0) this.drop(this.finished.values().next().value!);
      if (this.jobs.size >= this.maxJobs) throw new JobStoreFullError(`${this.jobs.size} jobs are running, the most the adapter keeps`);
    }
    const now = this.now();
    const record: JobRecord = {
      id: job.id,
      owner: job.owner,
      tool: job.tool,
      state: 'working',
      createdAt: now,
      updatedAt: now,
      expiresAt: now + this.runningTtlMs,
      pollAfterS: job.pollAfterS,
      ...(job.leaseUntil !== undefined ? { leaseUntil: job.leaseUntil } : {}),
      ...(job.progress ? { progress: { ...job.progress } } : {}),
    };
    this.jobs.set(job.id, record);
    return copy(record);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const record = this.live(id);
    return record ? copy(record) : undefined;
  }

  async progress(id: string, progress: JobProgress): Promise<boolean> {
    const record = this.live(id);
    if (!record || record.state !== 'working') return false;
    record.progress = { ...progress };
    record.updatedAt = this.now();
    return true;
  }

  async renew(ids: string[], leaseUntil: number): Promise<string[]> {
    const alive: string[] = [];
    for (const id of ids) {
      const record = this.live(id);
      if (!record || record.state !== 'working') continue;
      record.leaseUntil = leaseUntil;
      alive.push(id);
    }
    return alive;
  }

  async complete(id: string, response: StoredResponse): Promise<boolean> {
    const record = this.live(id);
    if (!record || record.state !== 'working') return false;
    const size = responseBytes(response);
    if (this.bytes + size > this.maxBytes) {
      this.sweep();
      while (this.bytes + size > this.maxBytes && this.finished.size > 0) this.drop(this.finished.values().next().value!);
      if (this.bytes + size > this.maxBytes) throw new JobStoreFullError(`the answer (${size} bytes) does not fit in the job store (${this.maxBytes} bytes)`);
    }
    const now = this.now();
    record.state = 'done';
    record.response = { status: response.status, json: response.json, ...(response.headers ? { headers: { ...response.headers } } : {}) };
    record.updatedAt = now;
    record.expiresAt = now + this.ttlMs;
    this.bytes += size;
    this.finished.add(id);
    return true;
  }

  async expire(id: string): Promise<void> {
    this.drop(id);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.jobs.clear();
    this.finished.clear();
    this.bytes = 0;
  }

  private live(id: string): JobRecord | undefined {
    const record = this.jobs.get(id);
    if (record && record.expiresAt <= this.now()) {
      this.drop(id);
      return undefined;
    }
    return record;
  }

  private drop(id: string): void {
    const record = this.jobs.get(id);
    if (!record) return;
    this.jobs.delete(id);
    if (this.finished.delete(id) && record.response) this.bytes -= responseBytes(record.response);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, record] of this.jobs) if (record.expiresAt <= now) this.drop(id);
  }
}

function copy(record: JobRecord): JobRecord {
  return JSON.parse(JSON.stringify(record)) as JobRecord;
}
