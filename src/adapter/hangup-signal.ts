/**
 * A cheap cancellation signal for one call: aborted when the HTTP client hangs up before its answer.
 *
 * On Node 20 creating an AbortSignal costs ~8 µs and each `addEventListener` on it ~10 µs (micro-benchmark);
 * under `node bench/profile.mjs adapter` they took ~4% of the adapter's main thread and added GC work, for a
 * signal that almost never fires (an EventTarget subclass still cost ~1.5 µs). This one is a plain object with the
 * members of AbortSignal that code reading a signal uses (`aborted`, `reason`, `throwIfAborted()`, `onabort`,
 * 'abort' listeners): the MCP session's `request(…, { signal })` cancels with it exactly as with an AbortSignal, sending
 * `notifications/cancelled` upstream (test/e2e/serve-responses: "a client that hangs up cancels its call").
 * It is not an AbortSignal brand: `AbortSignal.any([it])` would throw, loudly, rather than not cancel.
 */
type AbortListener = ((event: Event) => void) | { handleEvent(event: Event): void };

export class HangupSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((event: Event) => void) | null = null;
  private listeners: AbortListener[] = [];

  addEventListener(type: string, listener: AbortListener | null): void {
    if (type === 'abort' && listener && !this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    if (type !== 'abort' || !listener) return;
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Aborts once, calling `onabort` and every listener; later calls do nothing. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const event = new Event('abort');
    const listeners = this.listeners;
    this.listeners = [];
    this.onabort?.(event);
    for (const listener of listeners) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  }

  /** Typed as what request options take. */
  asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
