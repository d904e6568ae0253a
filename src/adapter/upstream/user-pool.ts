/**
 * `serve --per-user`: one upstream per verified caller (for a stdio server its own process, for an HTTP server
 * its own connection), started on the caller's first call and picked by `identity.key` on every call after.
 * Bounded: at most `maxUsers` upstreams live; one idle for `idleTimeoutMs` is closed; when full, the least
 * recently used one without a call running is closed to make room (the newcomer's upstream starts once it is
 * gone, so the processes never outnumber `maxUsers`); when every one is busy a new user gets 503 + Retry-After.
 * Each user's upstream is supervised as the single one is (respawn, ping, drain). A class: it has a lifecycle.
 */
import { EventEmitter } from 'node:events';
import type { ToolCatalog } from '../../mcp/catalog.js';
import { HttpError } from '../http-error.js';
import type { Identity } from '../identity/identity.js';
import type { ToolResultLike } from '../map-result.js';
import type { CallOptions, RequestOptions, ToolCaller } from '../upstream.js';

export const DEFAULT_MAX_USERS = 50;
export const DEFAULT_USER_IDLE_TIMEOUT_MS = 10 * 60_000;

/** One user's upstream as the pool needs it (a SupervisedUpstream; tests may pass anything of this shape). */
export interface UserUpstream extends Omit<ToolCaller, 'on' | 'off'> {
  drain?(): void;
  close(): Promise<void>;
  on(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown;
}

export interface UserPoolOptions {
  /** The tool list read at start; replaced when a user's server says its list changed. */
  catalog: ToolCatalog;
  /** Starts the caller's own upstream (rejects with McpConnectionError when it cannot). */
  start(identity: Identity): Promise<UserUpstream>;
  /** Live upstreams at most (default 50). */
  maxUsers?: number;
  /** An upstream without a call for this long is closed (default 10 min). */
  idleTimeoutMs?: number;
  /** Retry-After of the 503 when every upstream is busy (default 5 s). */
  retryAfterSeconds?: number;
}

export type UserCloseReason = 'idle' | 'evicted' | 'failed' | 'shutdown';

export interface UserPoolEvents {
  catalog: [ToolCatalog];
  /** A user's upstream is up; `live` counts the users now served. */
  started: [key: string, live: number];
  /** A user's upstream was closed. */
  closed: [key: string, reason: UserCloseReason, live: number];
}

interface Entry {
  key: string;
  /** Resolves with the upstream once started. */
  upstream: Promise<UserUpstream>;
  /** Set once started. */
  live?: UserUpstream;
  /** Calls running (or waiting for the start). */
  active: number;
  idleTimer?: NodeJS.Timeout;
  closed: boolean;
}

export class UserPool extends EventEmitter<UserPoolEvents> implements ToolCaller {
  /** In least-recently-used order: a call moves its user to the end. */
  private readonly entries = new Map<string, Entry>();
  /** Upstreams being closed; a new user's start waits for the one it replaces. */
  private readonly closing = new Set<Promise<void>>();
  private currentCatalog: ToolCatalog;
  private draining = false;
  private stopped = false;
  private readonly maxUsers: number;
  private readonly idleTimeoutMs: number;
  private readonly full: HttpError;

  constructor(private readonly options: UserPoolOptions) {
    super();
    this.currentCatalog = options.catalog;
    this.maxUsers = options.maxUsers ?? DEFAULT_MAX_USERS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_USER_IDLE_TIMEOUT_MS;
    const after = String(options.retryAfterSeconds ?? 5);
    this.full = new HttpError(503, 'overloaded', `every per-user MCP server (${this.maxUsers}) is busy; retry in ${after} s`, { headers: { 'Retry-After': after } });
  }

  get catalog(): ToolCatalog {
    return this.currentCatalog;
  }

  /** The pool serves (a user's own upstream may still be starting or respawning). */
  get ready(): boolean {
    return !this.draining && !this.stopped;
  }

  /** Users with an upstream (starting or live). */
  get users(): number {
    return this.entries.size;
  }

  get limit(): number {
    return this.maxUsers;
  }

  retryAfterSeconds(): number {
    return 1;
  }

  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike> {
    return this.withUser(options.identity, (up) => up.callTool(name, args, options));
  }

  request(method: string, params: Record<string, unknown>, options: RequestOptions): Promise<Record<string, unknown>> {
    return this.withUser(options.identity, (up) => {
      if (!up.request) throw new HttpError(404, 'not_found', `the MCP server does not answer ${method}`);
      return up.request(method, params, options);
    });
  }

  /** New calls answer 503; every user's upstream lets its running calls finish. */
  drain(): void {
    this.draining = true;
    for (const entry of this.entries.values()) entry.live?.drain?.();
  }

  /** Closes every user's upstream (stdin close → SIGTERM → SIGKILL). Never throws. */
  async close(): Promise<void> {
    this.stopped = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all([...all.map((e) => this.closeEntry(e, 'shutdown')), ...this.closing]);
  }

  private async withUser<T>(identity: Identity | undefined, op: (up: UserUpstream) => Promise<T>): Promise<T> {
    if (!identity || identity.kind === 'anonymous') {
      throw new HttpError(401, 'unauthorized', 'per-user upstreams serve authenticated callers only');
    }
    if (!this.ready) throw new HttpError(503, 'upstream_unavailable', 'the adapter is shutting down; retry in 1 s', { headers: { 'Retry-After': '1' } });
    const entry = this.acquire(identity);
    try {
      return await op(await entry.upstream);
    } finally {
      this.release(entry);
    }
  }

  /** The caller's entry, now the most recently used, with one more call counted; starts it if new. */
  private acquire(identity: Identity): Entry {
    const key = identity.key;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      let before: Promise<void> | undefined;
      if (this.entries.size >= this.maxUsers) {
        const victim = [...this.entries.values()].find((e) => e.active === 0);
        if (!victim) throw this.full;
        this.entries.delete(victim.key);
        before = this.closeEntry(victim, 'evicted');
      }
      entry = this.startEntry(identity, before);
    }
    this.entries.set(key, entry);
    clearTimeout(entry.idleTimer);
    entry.active++;
    return entry;
  }

  private startEntry(identity: Identity, before: Promise<void> | undefined): Entry {
    const entry: Entry = { key: identity.key, active: 0, closed: false, upstream: undefined as unknown as Promise<UserUpstream> };
    entry.upstream = (async () => {
      await before;
      const up = await this.options.start(identity);
      if (entry.closed) {
        await up.close();
        throw new HttpError(503, 'upstream_unavailable', 'the adapter is shutting down; retry in 1 s', { headers: { 'Retry-After': '1' } });
      }
      entry.live = up;
      up.on('catalog', (catalog) => this.setCatalog(catalog));
      this.emit('started', entry.key, this.entries.size);
      return up;
    })();
    entry.upstream.catch(() => {
      // It could not start: forget it, so the user's next call tries again.
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      if (!entry.closed) {
        entry.closed = true;
        this.emit('closed', entry.key, 'failed', this.entries.size);
      }
    });
    return entry;
  }

  private release(entry: Entry): void {
    entry.active--;
    if (entry.active > 0 || entry.closed || this.entries.get(entry.key) !== entry) return;
    entry.idleTimer = setTimeout(() => {
      if (entry.active > 0 || this.entries.get(entry.key) !== entry) return;
      this.entries.delete(entry.key);
      void this.closeEntry(entry, 'idle');
    }, this.idleTimeoutMs);
    entry.idleTimer.unref();
  }

  /** Closes an entry taken out of the map; tracked in `closing` until its upstream is gone (reported unless at shutdown). */
  private closeEntry(entry: Entry, reason: UserCloseReason): Promise<void> {
    clearTimeout(entry.idleTimer);
    const wasClosed = entry.closed;
    entry.closed = true;
    const done = entry.upstream.then(
      (up) => up.close(),
      () => undefined,
    );
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
    if (!wasClosed && reason !== 'shutdown') this.emit('closed', entry.key, reason, this.entries.size);
    return done;
  }

  private setCatalog(catalog: ToolCatalog): void {
    if (JSON.stringify(catalog) === JSON.stringify(this.currentCatalog)) return;
    this.currentCatalog = catalog;
    this.emit('catalog', catalog);
  }
}
