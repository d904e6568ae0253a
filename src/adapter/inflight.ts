/**
 * Back-pressure: at most `maxInflight` tool calls upstream at once, then a short FIFO queue, then 503 with
 * `Retry-After`. Wraps any ToolCaller, so the adapter's call path is unchanged; time spent queued comes out
 * of the call's budget. A queued call whose HTTP client goes away leaves the queue.
 */
import type { ToolCatalog } from '../mcp/catalog.js';
import { HttpError } from './http-error.js';
import type { ToolResultLike } from './map-result.js';
import type { CallOptions, ForwardedNotification, RequestOptions, ToolCaller } from './upstream.js';

export const DEFAULT_MAX_INFLIGHT = 64;
export const DEFAULT_MAX_QUEUE = 64;

export interface InflightLimits {
  /** Calls upstream at once (default 64). */
  maxInflight?: number;
  /** Calls waiting for a slot (default 64); more answer 503. */
  maxQueue?: number;
  /** Retry-After of the 503, in seconds (default 1). */
  retryAfterSeconds?: number;
}

interface Waiter {
  start: () => void;
  fail: (error: unknown) => void;
}

export class InflightLimiter implements ToolCaller {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly maxInflight: number;
  private readonly maxQueue: number;
  private readonly overloaded: HttpError;

  constructor(
    private readonly inner: ToolCaller,
    limits: InflightLimits = {},
  ) {
    this.maxInflight = limits.maxInflight ?? DEFAULT_MAX_INFLIGHT;
    this.maxQueue = limits.maxQueue ?? DEFAULT_MAX_QUEUE;
    const after = String(limits.retryAfterSeconds ?? 1);
    // One error object for every 503: building it is not per-request work.
    this.overloaded = new HttpError(503, 'overloaded', `too many calls at once (more than ${this.maxInflight} running and ${this.maxQueue} waiting); retry in ${after} s`, {
      headers: { 'Retry-After': after },
    });
  }

  get catalog(): ToolCatalog {
    return this.inner.catalog;
  }

  get ready(): boolean {
    return this.inner.ready;
  }

  /** Calls running upstream and calls waiting, for /readyz and tests. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  on(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown;
  on(event: 'notification', listener: (method: ForwardedNotification, params: Record<string, unknown>) => void): unknown;
  on(event: 'catalog' | 'notification', listener: never): unknown {
    return this.inner.on?.(event as 'catalog', listener);
  }

  off(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown;
  off(event: 'notification', listener: (method: ForwardedNotification, params: Record<string, unknown>) => void): unknown;
  off(event: 'catalog' | 'notification', listener: never): unknown {
    return this.inner.off?.(event as 'catalog', listener);
  }

  /** Present when the inner upstream passes requests through; they take a slot like a tool call. */
  get request(): ((method: string, params: Record<string, unknown>, options: RequestOptions) => Promise<Record<string, unknown>>) | undefined {
    const inner = this.inner;
    if (!inner.request) return undefined;
    return (method, params, options) => this.gate(() => inner.request!(method, params, options), options);
  }

  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike> {
    return this.gate((budget) => this.inner.callTool(name, args, budget === undefined ? options : { ...options, timeoutMs: budget }), options);
  }

  /** Runs `op` in a slot, after a wait in the queue if needed; `op` gets the budget left after the wait. */
  private gate<T>(op: (budgetLeft?: number) => Promise<T>, options: RequestOptions): Promise<T> {
    if (this.active < this.maxInflight) return this.run(op);
    if (this.queue.length >= this.maxQueue) return Promise.reject(this.overloaded);
    const queuedAt = performance.now();
    return new Promise<void>((resolve, reject) => {
      const leave = (error: unknown) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(error);
      };
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: leave,
      };
      const onAbort = () => leave(options.signal?.reason ?? new Error('aborted'));
      // No slot within the call's whole budget: give up with the same 503 rather than start a call with no time left.
      const timer = setTimeout(() => leave(this.overloaded), options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    }).then(() => {
      const left = Math.max(1, Math.round(options.timeoutMs - (performance.now() - queuedAt)));
      return this.run(op, left, true);
    });
  }

  private async run<T>(op: (budgetLeft?: number) => Promise<T>, budgetLeft?: number, slotGiven = false): Promise<T> {
    if (!slotGiven) this.active++;
    try {
      return await op(budgetLeft);
    } finally {
      const next = this.queue.shift();
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      if (next) next.start();
      else this.active--;
    }
  }
}
