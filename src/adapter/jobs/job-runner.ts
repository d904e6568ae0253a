/**
 * Long-running calls. A call that is still running after `asyncAfterMs` (at once for a tool that must run as an
 * MCP task) is detached from its HTTP request: the caller gets 202 and a job id, the call goes on here with the
 * job's own budget, and its final answer is written to the JobStore, where `GET /jobs/{id}` finds it (on any
 * replica sharing the store). Progress notifications and task status messages are recorded as the job's progress.
 *
 * The work stays on this process: a job is cancelled upstream (notifications/cancelled, or tasks/cancel for a
 * task) when its caller deletes it, when its record disappears from the store, when its budget runs out, and
 * when the adapter stops. While it runs, this process renews the job's lease in the store; a replica that died
 * without a word stops renewing, and whichever replica reads the job after the lease ran out ends it with the
 * answer a stopping adapter gives ("start it again"), so an acknowledged job never stays "working" for ever.
 * A class because it has a lifecycle.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { HangupSignal } from '../hangup-signal.js';
import { HttpError } from '../http-error.js';
import { errorResponse, type Invocation } from '../invoke.js';
import { JobStoreFullError, StoreUnavailableError, type JobProgress, type JobRecord, type JobStore, type StoredResponse } from '../store/job-store.js';
import type { CallProgress } from '../upstream.js';

export const DEFAULT_ASYNC_AFTER_MS = 30_000;
export const DEFAULT_JOB_TIMEOUT_MS = 60 * 60 * 1000;
export const DEFAULT_POLL_AFTER_S = 5;
/** Least time between two progress writes of one job (a server may send hundreds a second). */
const PROGRESS_WRITE_MS = 250;
/** How long a job's lease lasts (renewed every third of it): a replica silent this long is taken for gone. */
export const DEFAULT_JOB_LEASE_MS = 15_000;
/** How long a finished job's answer is kept here, retried every second, while the store (Redis) is away. */
const STORE_RETRY_MS = 5 * 60 * 1000;

export interface JobRunnerOptions {
  store: JobStore;
  /** How long a call may keep its HTTP request before it becomes a job (default 30 000 ms). */
  asyncAfterMs?: number;
  /** Budget of a call that may become a job (default 1 h); past it the job ends 504 and is cancelled. */
  jobTimeoutMs?: number;
  /** The poll interval suggested to callers, in seconds (default 5). */
  pollAfterS?: number;
  /** Lease of a running job (default 15 000 ms): renewed every third of it while this process runs the job. */
  leaseMs?: number;
  logger?: Logger;
}

/** What runs: one tool call with the job's signal, budget and progress callbacks. Never rejects. */
export type JobWork = (control: {
  signal: AbortSignal;
  timeoutMs: number;
  onProgress: (progress: CallProgress) => void;
  onStatus: (message: string) => void;
}) => Promise<Invocation>;

export interface StartOptions {
  /** identity.key of the caller. */
  owner: string;
  tool: string;
  /** Answer 202 at once (a task-required tool) instead of after asyncAfterMs. */
  immediate?: boolean;
  /** The HTTP client went away before the call was detached: cancel it (nobody could poll it). */
  hangup?: AbortSignal;
}

export type Started = { kind: 'answer'; invocation: Invocation } | { kind: 'job'; job: JobRecord };

interface Running {
  id: string;
  owner: string;
  tool: string;
  /** A HangupSignal, not an AbortController: one per call, on the hot path (see hangup-signal.ts). */
  controller: HangupSignal;
  /** Settles when the work has ended and its answer is stored. */
  done: Promise<void>;
  progress?: JobProgress;
  lastWrite: number;
  pendingWrite?: NodeJS.Timeout;
}

const STOPPING = 'the adapter is stopping';

export class JobRunner {
  readonly store: JobStore;
  readonly asyncAfterMs: number;
  readonly jobTimeoutMs: number;
  readonly pollAfterS: number;
  readonly leaseMs: number;
  private readonly logger?: Logger;
  private readonly running = new Map<string, Running>();
  private draining = false;
  private liveness?: NodeJS.Timeout;

  constructor(options: JobRunnerOptions) {
    this.store = options.store;
    this.asyncAfterMs = options.asyncAfterMs ?? DEFAULT_ASYNC_AFTER_MS;
    this.jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    this.pollAfterS = options.pollAfterS ?? DEFAULT_POLL_AFTER_S;
    this.leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
    this.logger = options.logger;
  }

  /** Jobs running on this process (detached from their request). */
  get size(): number {
    return this.running.size;
  }

  /**
   * Runs `work`; resolves with its answer when it ends within the wait, else with the job it became.
   * While the adapter stops, calls are not detached any more: they keep their request until they end.
   */
  async start(work: JobWork, options: StartOptions): Promise<Started> {
    const controller = new HangupSignal();
    const entry: Running = { id: newJobId(), owner: options.owner, tool: options.tool, controller, done: Promise.resolve(), lastWrite: 0 };
    let detached = false;
    const onHangup = () => {
      if (!detached) controller.abort(options.hangup!.reason);
    };
    options.hangup?.addEventListener('abort', onHangup, { once: true });
    const call = work({
      signal: controller.asAbortSignal(),
      timeoutMs: this.jobTimeoutMs,
      onProgress: (p) => this.record(entry, { ...entry.progress, ...p }, detached),
      onStatus: (message) => this.record(entry, { ...entry.progress, message }, detached),
    });
    const waitMs = options.immediate ? 0 : this.asyncAfterMs;
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([call.then((invocation) => ({ invocation })), new Promise<'wait'>((resolve) => (timer = setTimeout(() => resolve('wait'), waitMs)))]);
    clearTimeout(timer);
    if (first !== 'wait' || this.draining) {
      const invocation = first !== 'wait' ? first.invocation : await call;
      options.hangup?.removeEventListener('abort', onHangup);
      return { kind: 'answer', invocation };
    }
    let job: JobRecord;
    try {
      job = await this.store.create({
        id: entry.id,
        owner: entry.owner,
        tool: entry.tool,
        pollAfterS: this.pollAfterS,
        leaseUntil: Date.now() + this.leaseMs,
        ...(entry.progress ? { progress: entry.progress } : {}),
      });
    } catch (error) {
      controller.abort(new Error('no room for another job'));
      await call;
      options.hangup?.removeEventListener('abort', onHangup);
      const http =
        error instanceof JobStoreFullError
          ? new HttpError(503, 'overloaded', `the call is still running after ${waitMs} ms and no more jobs can be kept (${error.message}); it was cancelled, retry later`, {
              headers: { 'Retry-After': String(this.pollAfterS) },
              cause: error,
            })
          : new HttpError(503, 'upstream_unavailable', 'the job store is not reachable; the call was cancelled, retry later', { headers: { 'Retry-After': String(this.pollAfterS) }, cause: error });
      return { kind: 'answer', invocation: { tool: options.tool, response: errorResponse(http), error } };
    }
    detached = true;
    options.hangup?.removeEventListener('abort', onHangup);
    this.running.set(entry.id, entry);
    this.watchLiveness();
    entry.done = call.then((invocation) => this.finish(entry, invocation));
    this.logger?.info({ job: entry.id, tool: entry.tool, ...(entry.owner !== 'anonymous' ? { user: entry.owner } : {}) }, 'job started');
    return { kind: 'job', job };
  }

  /**
   * Waits up to `ms` for a job running here to end (long poll). Resolves at once for jobs of other replicas
   * or jobs that are done.
   */
  async settle(id: string, ms: number): Promise<void> {
    const entry = this.running.get(id);
    if (!entry || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /**
   * The job as its caller sees it. A working job whose lease ran out while no replica runs it here (its
   * replica died) is ended now, with the answer a stopping adapter gives; the store's complete() is atomic, so
   * of two replicas reading it at once, one writes that answer and both return it.
   */
  async read(id: string): Promise<JobRecord | undefined> {
    const job = await this.store.get(id);
    if (!job || job.state !== 'working' || this.running.has(id) || job.leaseUntil === undefined || job.leaseUntil > Date.now()) return job;
    const response = storedResponse(
      errorResponse(
        new HttpError(503, 'upstream_unavailable', `the replica running tool "${job.tool}" stopped before it finished; the call was lost, start it again`, {
          headers: { 'Retry-After': '5' },
        }),
      ),
    );
    await this.store.complete(id, response);
    this.logger?.warn({ job: id, tool: job.tool }, 'job lost: the replica running it stopped renewing its lease');
    const after = await this.store.get(id);
    return after && after.state === 'done' ? after : { ...job, state: 'done', response };
  }

  /** Forgets a job and cancels its work upstream if it runs here. */
  async cancel(id: string): Promise<void> {
    await this.store.expire(id);
    const entry = this.running.get(id);
    if (entry) {
      entry.controller.abort(new Error('the job was cancelled by its caller'));
      await entry.done;
    }
  }

  /** No more detaching; every running job is cancelled upstream; resolves when all have ended. */
  async stop(): Promise<number> {
    this.draining = true;
    clearInterval(this.liveness);
    const entries = [...this.running.values()];
    for (const entry of entries) entry.controller.abort(new Error(STOPPING));
    await Promise.all(entries.map((e) => e.done));
    return entries.length;
  }

  private record(entry: Running, progress: JobProgress, detached: boolean): void {
    entry.progress = progress;
    if (!detached || entry.pendingWrite) return;
    const wait = entry.lastWrite + PROGRESS_WRITE_MS - performance.now();
    const write = () => {
      entry.pendingWrite = undefined;
      entry.lastWrite = performance.now();
      if (!this.running.has(entry.id)) return;
      this.store.progress(entry.id, entry.progress!).then(
        (alive) => {
          if (!alive && this.running.has(entry.id)) entry.controller.abort(new Error('the job is gone from the store'));
        },
        (error: unknown) => this.logger?.warn({ job: entry.id, err: { message: String(error) } }, 'could not record job progress'),
      );
    };
    if (wait <= 0) write();
    else entry.pendingWrite = setTimeout(write, wait);
  }

  private async finish(entry: Running, invocation: Invocation): Promise<void> {
    clearTimeout(entry.pendingWrite);
    const reason: unknown = entry.controller.reason;
    let response: StoredResponse = storedResponse(invocation.response);
    if (entry.controller.aborted && reason instanceof Error && reason.message === STOPPING) {
      response = storedResponse(
        errorResponse(new HttpError(503, 'upstream_unavailable', `the adapter stopped before tool "${entry.tool}" finished; the call was cancelled, start it again`, { headers: { 'Retry-After': '5' } })),
      );
    }
    try {
      try {
        await this.completeWhenReachable(entry, response);
      } catch (error) {
        if (!(error instanceof JobStoreFullError)) throw error;
        const tooLarge = errorResponse(new HttpError(502, 'response_too_large', `tool "${entry.tool}" finished, but its answer does not fit in the job store: ${error.message}`));
        await this.store.complete(entry.id, storedResponse(tooLarge));
      }
    } catch (error) {
      this.logger?.error({ job: entry.id, err: { message: String(error) } }, 'could not record the answer of a job');
    } finally {
      this.running.delete(entry.id);
      if (this.running.size === 0) clearInterval(this.liveness);
    }
    this.logger?.info({ job: entry.id, tool: entry.tool, status: response.status }, 'job done');
  }

  /**
   * Stores the answer; while the store is away (Redis down) keeps it here and tries again every second, for up
   * to STORE_RETRY_MS, or once more when the adapter stops: a job that ends during an outage is not lost.
   */
  private async completeWhenReachable(entry: Running, response: StoredResponse): Promise<void> {
    const deadline = Date.now() + STORE_RETRY_MS;
    for (;;) {
      try {
        await this.store.complete(entry.id, response);
        return;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || this.draining || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /**
   * Renews the lease of every job running here, every third of the lease; a job deleted through another replica,
   * dropped by the store or ended as lost is cancelled here. A store that does not answer cancels nothing.
   */
  private watchLiveness(): void {
    if (this.running.size !== 1) return;
    clearInterval(this.liveness);
    this.liveness = setInterval(() => {
      const ids = [...this.running.keys()];
      this.store.renew(ids, Date.now() + this.leaseMs).then(
        (alive) => {
          const kept = new Set(alive);
          for (const id of ids) {
            const entry = this.running.get(id);
            if (entry && !kept.has(id)) entry.controller.abort(new Error('the job is gone from the store'));
          }
        },
        () => undefined,
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.liveness.unref();
  }
}

/** Random bytes for job ids, drawn 256 ids at a time (as node's randomUUID does): one CSPRNG call per 256 calls. */
const ID_BYTES = 24;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** 192 random bits, base64url: unguessable, safe in a URL path. Every call of `serve` takes one. */
export function newJobId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 256);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

export function storedResponse(response: { status: number; json: string; headers?: Record<string, string> }): StoredResponse {
  return { status: response.status, json: response.json, ...(response.headers ? { headers: response.headers } : {}) };
}

/** The body of a 202: what a job looks like to its caller. */
export function jobBody(job: Pick<JobRecord, 'id' | 'pollAfterS' | 'progress'>): { job: { id: string; status: 'working'; poll_after_s: number; progress?: JobProgress } } {
  return { job: { id: job.id, status: 'working', poll_after_s: job.pollAfterS, ...(job.progress ? { progress: job.progress } : {}) } };
}
