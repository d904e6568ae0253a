/**
 * One Server-Sent Events response: the POST answer that carries progress before its result, the legacy
 * session's GET stream, the old HTTP+SSE transport's stream, a 2026-07-28 `subscriptions/listen` stream.
 *
 * Bounded: a client that does not read its stream makes Node buffer what we write; past `maxBufferedBytes` the
 * stream is cut (the session itself stays), so one stuck reader cannot grow the heap.
 */
import type { ServerResponse } from 'node:http';

export const DEFAULT_MAX_BUFFERED_BYTES = 1 << 20;
/** Comment lines on quiet long-lived streams, so proxies and clients do not time them out. */
export const KEEPALIVE_MS = 25_000;

export interface SseOptions {
  maxBufferedBytes?: number;
  /** Send a comment this often while open (long-lived streams); 0 = never. */
  keepAliveMs?: number;
  headers?: Record<string, string>;
}

export class SseStream {
  private ended = false;
  private timer?: NodeJS.Timeout;
  private readonly closeListeners: (() => void)[] = [];
  readonly maxBufferedBytes: number;

  constructor(
    readonly res: ServerResponse,
    options: SseOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...options.headers,
    });
    res.flushHeaders();
    res.once('close', () => this.finish());
    const every = options.keepAliveMs ?? 0;
    if (every > 0) {
      this.timer = setInterval(() => this.write(':\n\n'), every);
      this.timer.unref();
    }
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Called once when the stream ends, whoever ends it. */
  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }

  /** One `message` event. False when the stream is gone (or was cut for not being read). */
  send(json: string): boolean {
    return this.write(`event: message\ndata: ${json}\n\n`);
  }

  /** Any other event (the old transport's `endpoint`). */
  event(name: string, data: string): boolean {
    return this.write(`event: ${name}\ndata: ${data}\n\n`);
  }

  private write(chunk: string): boolean {
    if (this.ended) return false;
    if (this.res.writableLength + chunk.length > this.maxBufferedBytes) {
      // Not read for a long while: cut it rather than buffer without end.
      this.res.destroy();
      this.finish();
      return false;
    }
    this.res.write(chunk);
    return true;
  }

  /** Ends the stream (optionally with a last message). */
  end(lastJson?: string): void {
    if (this.ended) return;
    if (lastJson !== undefined) this.send(lastJson);
    if (!this.ended) this.res.end();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    const listeners = this.closeListeners.splice(0);
    for (const listener of listeners) listener();
  }
}
