/**
 * Sessions of the legacy revisions (2025-03-26 … 2025-11-25 Streamable HTTP, and the old HTTP+SSE transport):
 * opened by `initialize`, named by a random id, bound to the identity that opened them, ended by DELETE, by
 * the SSE stream closing (old transport), by idle expiry or by eviction.
 *
 * Bounded: at most `maxSessions`. A new session past the cap evicts the least recently used session that is
 * doing nothing (no call running, no open stream), preferring sessions that never made a request after
 * `initialize`: 10,000 sessions opened and left alone push each other out, not the clients that use theirs.
 * When every session is busy the new one is refused (503). Unknown, expired or evicted ids answer 404, and
 * clients open a new session.
 */
import { randomBytes } from 'node:crypto';
import type { HangupSignal } from '../hangup-signal.js';
import type { SseStream } from './sse.js';

export const DEFAULT_MAX_SESSIONS = 1000;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

export class FaceSession {
  /** Request id key → the signal that cancels it (notifications/cancelled). */
  readonly inflight = new Map<string, HangupSignal>();
  /** The GET stream (Streamable HTTP) or the one stream of the old transport. */
  stream?: SseStream;
  lastUsed = Date.now();
  /** Made a request after initialize. */
  used = false;
  initialized = false;
  closed = false;
  clientInfo?: { name?: unknown; version?: unknown };

  constructor(
    readonly id: string,
    readonly kind: 'streamable' | 'sse',
    /** identity.key of the caller that opened it: nobody else may use it. */
    readonly owner: string,
    public protocolVersion: string,
  ) {}

  get busy(): boolean {
    return this.inflight.size > 0 || (this.stream !== undefined && !this.stream.closed);
  }

  touch(): void {
    this.lastUsed = Date.now();
  }

  /** Cancels what runs and ends the stream. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const signal of this.inflight.values()) signal.abort(new Error(reason));
    this.inflight.clear();
    this.stream?.end();
  }
}

export interface SessionLimits {
  maxSessions?: number;
  idleMs?: number;
}

export class SessionTable {
  private readonly sessions = new Map<string, FaceSession>();
  private readonly timer: NodeJS.Timeout;
  readonly maxSessions: number;
  readonly idleMs: number;
  /** Sessions evicted or expired so far (for logs and tests). */
  dropped = 0;

  constructor(limits: SessionLimits = {}) {
    this.maxSessions = limits.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.idleMs = limits.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.timer = setInterval(() => this.sweep(), Math.max(1000, Math.min(60_000, Math.floor(this.idleMs / 4))));
    this.timer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<FaceSession> {
    return this.sessions.values();
  }

  /** The session of this id if it exists and belongs to `owner`; an id of another caller reads as unknown. */
  get(id: string, owner: string): FaceSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    return session;
  }

  /** Opens a session, evicting an idle one at the cap; undefined when every session is busy. */
  open(kind: FaceSession['kind'], owner: string, protocolVersion: string): FaceSession | undefined {
    if (this.sessions.size >= this.maxSessions && !this.evictOne()) return undefined;
    const session = new FaceSession(randomBytes(24).toString('base64url'), kind, owner, protocolVersion);
    this.sessions.set(session.id, session);
    return session;
  }

  delete(session: FaceSession, reason = 'the session was closed'): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    session.close(reason);
  }

  /** Ends every session (shutdown). */
  closeAll(reason: string): void {
    for (const session of [...this.sessions.values()]) this.delete(session, reason);
    clearInterval(this.timer);
  }

  /** Expires sessions idle for longer than idleMs. */
  sweep(now = Date.now()): void {
    for (const session of this.sessions.values()) {
      if (!session.busy && now - session.lastUsed > this.idleMs) {
        this.dropped++;
        this.delete(session, 'the session expired');
      }
    }
  }

  /** Map order is insertion order; `touch` does not reorder, so look for the oldest lastUsed. */
  private evictOne(): boolean {
    let unused: FaceSession | undefined;
    let idle: FaceSession | undefined;
    for (const session of this.sessions.values()) {
      if (session.busy) continue;
      if (!session.used && (!unused || session.lastUsed < unused.lastUsed)) unused = session;
      if (!idle || session.lastUsed < idle.lastUsed) idle = session;
    }
    const victim = unused ?? idle;
    if (!victim) return false;
    this.dropped++;
    this.delete(victim, 'the session was evicted (too many sessions)');
    return true;
  }
}
