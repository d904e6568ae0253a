/**
 * The supervised upstream: an `Upstream` that comes back. When the stdio child exits or the HTTP connection
 * drops, in-flight calls fail at once (the session rejects every pending request with ConnectionClosed → 502),
 * `ready` turns false and the connection is made again with exponential backoff (0.5 s → 30 s, back to
 * 0.5 s after a stable period). Calls that arrive meanwhile answer 503 with `Retry-After`. A wedged
 * upstream (no answer to ping) is closed and restarted. A class because it has a lifecycle.
 */
import { EventEmitter } from 'node:events';
import { McpConnectionError } from '../errors.js';
import type { ToolCatalog } from '../mcp/catalog.js';
import { connect, type Connection } from '../mcp/connect.js';
import { StdinBacklogError } from '../mcp/stdio-transport.js';
import type { Target } from '../mcp/target.js';
import { HttpError } from './http-error.js';
import type { ToolResultLike } from './map-result.js';
import { Upstream, type CallOptions, type ForwardedNotification, type RequestOptions, type ToolCaller, type UpstreamOptions, type UpstreamState } from './upstream.js';

export interface SupervisorOptions extends UpstreamOptions {
  /** First retry delay (default 500 ms); doubled on each failure. */
  backoffInitialMs?: number;
  /** Longest retry delay (default 30 000 ms). */
  backoffMaxMs?: number;
  /** A connection that stayed up this long resets the backoff (default 60 000 ms). */
  stableMs?: number;
  /** How often to ping the upstream; 0 = never (default 15 000 ms). */
  pingIntervalMs?: number;
  /** A ping unanswered this long means wedged: restart (default 5 000 ms). */
  pingTimeoutMs?: number;
}

export interface SupervisorEvents {
  state: [UpstreamState];
  catalog: [ToolCatalog];
  /** The connection dropped (or was restarted because it stopped answering). */
  down: [McpConnectionError];
  /** A (re)connect attempt failed; the next one is in `retryInMs`. */
  failed: [error: unknown, attempt: number, retryInMs: number];
  /** The next (re)connect attempt is in `delayMs`. */
  scheduled: [delayMs: number];
  /** Connected again after a drop. */
  reconnected: [attempt: number];
  /** A resources/prompts notification of the live connection, to forward. */
  notification: [ForwardedNotification, Record<string, unknown>];
}

export const BACKOFF_INITIAL_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
export const STABLE_MS = 60_000;
export const PING_INTERVAL_MS = 15_000;
export const PING_TIMEOUT_MS = 5_000;

export class SupervisedUpstream extends EventEmitter<SupervisorEvents> implements ToolCaller {
  private current?: Upstream;
  private connection?: Connection;
  private lastCatalog?: ToolCatalog;
  private currentState: UpstreamState = 'connecting';
  private draining = false;
  private attempt = 0;
  private readySince?: number;
  private retryAt = 0;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private pinging = false;
  /** HTTP upstreams have no child whose exit says "gone": network errors do. */
  private http = false;
  private readonly connectFn: () => Promise<Connection>;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly stableMs: number;
  private readonly pingIntervalMs: number;
  private readonly pingTimeoutMs: number;

  constructor(
    target: Target | undefined,
    private readonly options: SupervisorOptions = {},
  ) {
    super();
    if (options.connectFn) this.connectFn = options.connectFn;
    else if (target) this.connectFn = () => connect(target, { leanHttp: true, ...options });
    else throw new TypeError('SupervisedUpstream needs a target or a connectFn');
    this.initialMs = options.backoffInitialMs ?? BACKOFF_INITIAL_MS;
    this.maxMs = options.backoffMaxMs ?? BACKOFF_MAX_MS;
    this.stableMs = options.stableMs ?? STABLE_MS;
    this.pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
    this.pingTimeoutMs = options.pingTimeoutMs ?? PING_TIMEOUT_MS;
  }

  /** Connects once and returns the supervisor; throws McpConnectionError (with the stderr tail) on failure. */
  static async start(target: Target | undefined, options: SupervisorOptions = {}): Promise<SupervisedUpstream> {
    const supervisor = new SupervisedUpstream(target, options);
    await supervisor.connectOnce();
    return supervisor;
  }

  /** Like start(), but a failed first attempt is reported ('failed') and retried in the background. */
  static launch(target: Target | undefined, options: SupervisorOptions = {}): SupervisedUpstream {
    const supervisor = new SupervisedUpstream(target, options);
    void supervisor.reconnect();
    return supervisor;
  }

  get state(): UpstreamState {
    return this.currentState;
  }

  get ready(): boolean {
    return this.currentState === 'ready' && !this.draining;
  }

  get hasCatalog(): boolean {
    return this.lastCatalog !== undefined;
  }

  get catalog(): ToolCatalog {
    if (!this.lastCatalog) throw new Error('the upstream has not connected yet');
    return this.lastCatalog;
  }

  /** The live connection (pid, stderr tail, client), if any. */
  get info(): Connection | undefined {
    return this.connection;
  }

  /** Seconds a client should wait before trying again (Retry-After). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.retryAt - Date.now()) / 1000));
  }

  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike> {
    const up = this.current;
    if (!up || this.currentState !== 'ready' || this.draining) return Promise.reject(this.unavailable());
    return this.watch(up, up.callTool(name, args, options));
  }

  request(method: string, params: Record<string, unknown>, options: RequestOptions): Promise<Record<string, unknown>> {
    const up = this.current;
    if (!up || this.currentState !== 'ready' || this.draining) return Promise.reject(this.unavailable());
    return this.watch(up, up.request(method, params, options));
  }

  /**
   * HTTP upstreams: a call whose connection broke (reset mid-answer, refused) asks the server whether it is still
   * there (one ping): if it answers, only this call failed (502) and the connection pool goes on; if not, the
   * connection is restarted (calls answer 503 until it is back).
   */
  private watch<T>(up: Upstream, call: Promise<T>): Promise<T> {
    if (!this.http) return call;
    return call.catch(async (error: unknown) => {
      if (!isNetworkError(error)) throw error;
      const why = describeNetworkError(error);
      if (await this.answers(up)) {
        throw new McpConnectionError('closed', `the connection broke during the call (${why}); the MCP server is still up`, { cause: error });
      }
      this.restart(up, `the MCP server is unreachable (${why})`);
      throw new McpConnectionError('closed', `the MCP server is unreachable (${why}); reconnecting`, { cause: error });
    });
  }

  /** True when the live connection `up` answers a ping soon. */
  private async answers(up: Upstream): Promise<boolean> {
    const connection = this.connection;
    if (up !== this.current || !connection) return false;
    try {
      await connection.session.ping({ timeout: Math.min(this.pingTimeoutMs, 2000) });
      return up === this.current;
    } catch {
      return false;
    }
  }

  /** New calls answer 503 and /readyz turns false; calls already running go on. */
  drain(): void {
    this.draining = true;
    this.emit('state', this.currentState);
  }

  /** Stops retrying and closes the connection (stdin close → SIGTERM → SIGKILL). Never throws. */
  async close(): Promise<void> {
    this.setState('closed');
    clearTimeout(this.retryTimer);
    this.stopPing();
    const up = this.current;
    this.current = undefined;
    this.connection = undefined;
    await up?.close();
  }

  private unavailable(): HttpError {
    const after = String(this.retryAfterSeconds());
    const why = this.draining || this.currentState === 'closed' ? 'the adapter is shutting down' : `the MCP server is ${this.currentState === 'connecting' ? 'reconnecting' : 'down'}`;
    return new HttpError(503, 'upstream_unavailable', `${why}; retry in ${after} s`, { headers: { 'Retry-After': after } });
  }

  private setState(state: UpstreamState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private async connectOnce(): Promise<void> {
    this.setState('connecting');
    let connection: Connection | undefined;
    const up = await Upstream.start(undefined, {
      ...this.options,
      connectFn: async () => (connection = await this.connectFn()),
    });
    if (this.currentState === 'closed') {
      await up.close();
      return;
    }
    this.current = up;
    this.connection = connection;
    this.http = connection !== undefined && connection.transport !== 'stdio';
    if (connection) this.watchErrors(connection, up);
    this.readySince = Date.now();
    up.on('down', (error) => this.onDown(up, error));
    up.on('catalog', (catalog) => this.setCatalog(catalog));
    up.on('notification', (method, params) => this.emit('notification', method, params));
    this.setCatalog(up.catalog);
    this.setState('ready');
    this.startPing();
  }

  private setCatalog(catalog: ToolCatalog): void {
    const previous = this.lastCatalog;
    this.lastCatalog = catalog;
    if (previous && JSON.stringify(previous) !== JSON.stringify(catalog)) this.emit('catalog', catalog);
  }

  private onDown(up: Upstream, error: McpConnectionError): void {
    if (up !== this.current || this.currentState === 'closed') return;
    this.current = undefined;
    this.connection = undefined;
    this.stopPing();
    if (this.readySince !== undefined && Date.now() - this.readySince >= this.stableMs) this.attempt = 0;
    this.readySince = undefined;
    this.setState('down');
    this.emit('down', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): number {
    const delay = Math.min(this.initialMs * 2 ** this.attempt, this.maxMs);
    this.attempt++;
    this.retryAt = Date.now() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
    this.emit('scheduled', delay);
    return delay;
  }

  private async reconnect(): Promise<void> {
    if (this.currentState === 'closed') return;
    try {
      await this.connectOnce();
      if (this.currentState === 'ready') this.emit('reconnected', this.attempt);
    } catch (error) {
      if ((this.currentState as UpstreamState) === 'closed') return;
      this.setState('down');
      const delay = this.scheduleReconnect();
      this.emit('failed', error, this.attempt, delay);
    }
  }

  private startPing(): void {
    if (this.pingIntervalMs <= 0) return;
    this.pingTimer = setInterval(() => void this.ping(), this.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private async ping(): Promise<void> {
    const up = this.current;
    const connection = this.connection;
    if (!up || !connection || this.pinging) return;
    this.pinging = true;
    try {
      await connection.session.ping({ timeout: this.pingTimeoutMs });
    } catch {
      if (up !== this.current) return;
      // Wedged (or already gone): restart it. Pending calls are rejected as the connection closes.
      this.restart(up, `the MCP server did not answer ping within ${this.pingTimeoutMs} ms; restarting it`);
    } finally {
      this.pinging = false;
    }
  }

  /** Drops a live connection that is gone or stuck (pending calls are rejected as it closes) and reconnects. */
  private restart(up: Upstream, reason: string): void {
    if (up !== this.current) return;
    this.onDown(up, new McpConnectionError('closed', reason));
    void up.close();
  }

  /**
   * stdio: a server that stopped reading its stdin while messages for it kept coming is restarted.
   * HTTP: a network error (the server went away mid-stream) restarts the connection.
   * (A message over `maxMessageBytes` is skipped by the transport and fails only the call it answers.)
   */
  private watchErrors(connection: Connection, up: Upstream): void {
    const { session } = connection;
    const previous = session.onerror;
    session.onerror = (error) => {
      previous?.(error);
      if (error instanceof StdinBacklogError) {
        // The transport is already closing the wedged server: log why, answer its calls 502, start a new one.
        this.restart(up, error.message);
      } else if (this.http && isNetworkError(error)) {
        this.restart(up, `the MCP server connection failed (${describeNetworkError(error)})`);
      }
    };
  }
}

const NETWORK = /fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|socket hang up|other side closed|terminated|SSE stream disconnected/i;

/** A failure of the HTTP connection itself (not an answer from the server). */
export function isNetworkError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (NETWORK.test(e.message) || NETWORK.test(String((e as NodeJS.ErrnoException).code ?? ''))) return true;
  }
  return false;
}

function describeNetworkError(error: unknown): string {
  let last = error instanceof Error ? error.message : String(error);
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) last = (e as NodeJS.ErrnoException).code ?? e.message;
  return last;
}

