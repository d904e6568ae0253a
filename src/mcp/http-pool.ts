/**
 * Keep-alive connections to one origin, at most `max` of them: one undici `Client` per socket (pipelining 1), so
 * the pool knows which socket carries which request. Why not undici's own Pool: a request aborted after it was
 * sent (the call timed out, its client hung up) keeps its socket busy until the server answers, which a hung
 * server never does; here the caller hands the connection back as `reusable: false` and its socket is closed at
 * once. Requests past `max` wait for a connection (the adapter's --max-inflight bounds how many).
 */
import { Client, type Dispatcher } from 'undici';

/**
 * A request on a socket idle at least this long that fails unanswered is sent again once: servers close idle
 * sockets after seconds (Node 5 s, uvicorn 5 s), never sooner than this, and a request sent as one does is never
 * read. A request that went out on a socket busy a moment ago is never sent twice (the server may have taken it).
 */
export const STALE_IDLE_MS = 1_000;

/** How undici reports a socket the other side closed or reset. */
const SOCKET_CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** True for undici's error when the socket was closed or reset under a request. */
export function isSocketClosed(error: unknown): boolean {
  return SOCKET_CLOSED.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Lets the caller abort a request it sent: its connection is destroyed (socket closed) at once. */
export interface RequestHandle {
  /** Set by the pool while the request waits or runs. */
  abort?: (reason: Error) => void;
  /** Set once aborted (a request aborted before it started never starts). */
  aborted?: Error;
}

/** Aborts the request of `handle` (if any, once): it never starts, or its connection is destroyed. */
export function abortRequest(handle: RequestHandle | undefined, reason: Error): void {
  if (!handle || handle.aborted) return;
  handle.aborted = reason;
  handle.abort?.(reason);
}

export interface PooledResponse {
  res: Dispatcher.ResponseData;
  /** Hands the connection back: reusable when the body was read to its end, else its socket is closed. */
  release(reusable: boolean): void;
}

export interface Lease {
  client: Client;
  /**
   * How long its socket sat idle before this request (0: a new connection, or one that reconnected). A server
   * closes an idle socket after its keep-alive timeout; a request sent as it does fails unanswered.
   */
  idleMs: number;
  /** Hands the connection back: reusable when the response was read to its end, else its socket is closed. */
  release(reusable: boolean): void;
}

export class ConnectionPool {
  private readonly idle: Client[] = [];
  /** When each idle connection's socket last finished a request (none: new, reconnected, or handed on at once). */
  private readonly idleSince = new WeakMap<Client, number>();
  private size = 0;
  private readonly waiting: ((client: Client) => void)[] = [];
  private closed = false;

  constructor(
    private readonly origin: string,
    private readonly max: number,
    private readonly options: Client.Options = {},
  ) {}

  /** Connections held now (busy or idle; each has at most one socket). */
  get connections(): number {
    return this.size;
  }

  /**
   * Sends one request on a connection of its own. Rejects as undici does (network errors, abort, timeouts). A
   * request whose idle socket the server closed under it, before any answer, is sent again once (STALE_IDLE_MS).
   */
  async request(options: Dispatcher.RequestOptions, handle?: RequestHandle, mayResend = true): Promise<PooledResponse> {
    const { client, release, idleMs } = await this.lease(options.signal as AbortSignal | undefined, handle);
    let res: Dispatcher.ResponseData;
    try {
      res = await client.request(options);
    } catch (error) {
      release(false);
      if (mayResend && idleMs >= STALE_IDLE_MS && isSocketClosed(error) && !handle?.aborted) {
        this.dropIdle(STALE_IDLE_MS);
        return this.request(options, handle, false);
      }
      throw error;
    }
    return { res, release };
  }

  /**
   * A connection of its own for one request the caller sends itself (`client.dispatch` with a handler of its
   * own: no body stream, no parsed headers; the transport's hot path). `release` hands it back, once.
   */
  async lease(signal?: AbortSignal, handle?: RequestHandle): Promise<Lease> {
    const client = await this.acquire(signal, handle);
    if (handle?.aborted) {
      this.release(client, true);
      throw handle.aborted;
    }
    if (handle) handle.abort = (reason) => void client.destroy(reason).catch(() => undefined);
    const since = this.idleSince.get(client);
    let released = false;
    return {
      client,
      idleMs: since === undefined ? 0 : performance.now() - since,
      release: (reusable) => {
        if (released) return;
        released = true;
        if (handle) handle.abort = undefined; // the connection may serve another request from now on
        this.release(client, reusable);
      },
    };
  }

  /** Closes the idle connections whose sockets sat idle at least `minIdleMs` (the server has likely closed them). */
  dropIdle(minIdleMs: number): void {
    const now = performance.now();
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const client = this.idle[i]!;
      const since = this.idleSince.get(client);
      if (since === undefined || now - since < minIdleMs) continue;
      this.idle.splice(i, 1);
      this.size--;
      void client.destroy().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    this.size -= idle.length;
    await Promise.all(idle.map((c) => c.destroy().catch(() => undefined)));
  }

  private acquire(signal?: AbortSignal, handle?: RequestHandle): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('Not connected'));
    if (handle?.aborted) return Promise.reject(handle.aborted);
    const client = this.idle.pop();
    if (client) return Promise.resolve(client);
    if (this.size < this.max) {
      this.size++;
      return Promise.resolve(this.create());
    }
    return new Promise((resolve, reject) => {
      const take = (c: Client) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(take);
        if (i !== -1) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (handle) {
        handle.abort = (reason) => {
          const i = this.waiting.indexOf(take);
          if (i !== -1) this.waiting.splice(i, 1);
          reject(reason);
        };
      }
      this.waiting.push(take);
    });
  }

  private create(): Client {
    const client = new Client(this.origin, { pipelining: 1, keepAliveTimeout: 30_000, ...this.options });
    // The server closed the idle socket (undici connects again for the next request): not an idle socket any more.
    client.on('disconnect', () => this.idleSince.delete(client));
    return client;
  }

  private release(client: Client, reusable: boolean): void {
    if (!reusable || this.closed) {
      void client.destroy().catch(() => undefined);
      if (this.closed) {
        this.size--;
        return;
      }
      const next = this.waiting.shift();
      if (next) next(this.create());
      else this.size--;
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      this.idleSince.delete(client);
      next(client);
    } else {
      this.idleSince.set(client, performance.now());
      this.idle.push(client);
    }
  }
}
