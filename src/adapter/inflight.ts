/**
 * Back-pressure: at most `maxInflight` tool calls upstream at once, then a short FIFO queue, then 503 with
 * `Retry-After`. Wraps any ToolCaller, so the adapter's call path is unchanged; time spent queued comes out
 * of the call's budget. A queued call whose HTTP client goes away leaves the queue.
 */
import type { ToolCatalog } from '../mcp/catalog.js';
import { HttpError } from './http-error.js';
import type { ToolResultLike } from './map-result.js';
import type { CallOptions, ToolCaller } from './upstream.js';

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

  on(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown {
    return this.inner.on?.(event, listener);
  }

  off(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown {
    return this.inner.off?.(event, listener);
  }

  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike> {
    if (this.active < this.maxInflight) return this.run(name, args, options);
    if (this.queue.length >= this.maxQueue) return Promise.reject(this.overloaded);
    const queuedAt = performance.now();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(options.signal?.reason ?? new Error('aborted'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    }).then(() => {
      const left = Math.max(1, Math.round(options.timeoutMs - (performance.now() - queuedAt)));
      return this.run(name, args, { ...options, timeoutMs: left }, true);
    });
  }

  private async run(name: string, args: Record<string, unknown>, options: CallOptions, slotGiven = false): Promise<ToolResultLike> {
    if (!slotGiven) this.active++;
    try {
      return await this.inner.callTool(name, args, options);
    } finally {
      const next = this.queue.shift();
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      if (next) next.start();
      else this.active--;
    }
  }
}
