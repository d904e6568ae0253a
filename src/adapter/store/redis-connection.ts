/**
 * The one Redis connection of a `serve --redis` process (ioredis), shared by the rate limiter and the job store.
 * Every command fails fast while Redis is away (no offline queue, a short command timeout), so a request
 * that needs shared state answers 503 at once instead of hanging; the client reconnects on its own and the
 * connection reports each transition once ('down' with the reason, then 'up'), never once per command.
 * A class because it has a lifecycle.
 */
import { EventEmitter } from 'node:events';
import type { Redis, RedisOptions } from 'ioredis';
import { lazyModule } from '../../lazy-module.js';

const ioredis = lazyModule<typeof import('ioredis')>('ioredis');

/** Longest a command may take before it fails (and the call that needed it answers 503). */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** Longest `serve` waits for Redis at start before giving up (exit 2). */
export const REDIS_START_TIMEOUT_MS = 5000;
/** Most time between two reconnection attempts while Redis is away. */
const MAX_RECONNECT_DELAY_MS = 1000;

export type RedisState = 'up' | 'down';

export interface RedisConnectionEvents {
  /** Redis went away (after having been up); `reason` is the last error seen. */
  down: [reason: string];
  /** Redis answers again. */
  up: [];
}

/** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS); anything else is refused. */
export function checkRedisUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `has the scheme "${parsed.protocol}", not redis: or rediss:`;
  if (!parsed.hostname) return 'names no host';
  if (parsed.pathname.length > 1 && !/^\/\d{1,2}$/.test(parsed.pathname)) return `has the path "${parsed.pathname}"; the only path Redis URLs take is a database number such as /0`;
  return parsed;
}

/** The URL as it may be logged: without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

export class RedisConnection extends EventEmitter<RedisConnectionEvents> {
  readonly client: Redis;
  /** Where it connects, password left out (for logs). */
  readonly where: string;
  private current: RedisState = 'down';
  private lastError = 'not connected yet';
  private closed = false;

  constructor(url: string, options: { commandTimeoutMs?: number } = {}) {
    super();
    this.where = redactRedisUrl(url);
    const Client = ioredis().default;
    const settings: RedisOptions = {
      lazyConnect: true,
      // A command sent while Redis is away fails at once: the request that needed it answers 503.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      connectionName: 'mcp-actions',
      retryStrategy: (attempt: number) => (this.closed ? null : Math.min(50 * attempt, MAX_RECONNECT_DELAY_MS)),
      // Errors are reported through 'down' (once per transition); ioredis would otherwise print them.
      showFriendlyErrorStack: false,
    };
    this.client = new Client(url, settings);
    this.client.on('ready', () => {
      if (this.current === 'up') return;
      this.current = 'up';
      this.emit('up');
    });
    this.client.on('error', (error: Error) => {
      this.lastError = describeRedisError(error);
    });
    this.client.on('close', () => {
      if (this.current === 'down' || this.closed) return;
      this.current = 'down';
      this.emit('down', this.lastError === 'not connected yet' ? 'the connection closed' : this.lastError);
    });
  }

  get state(): RedisState {
    return this.current;
  }

  /** Resolves once Redis answers; rejects with the last error after `timeoutMs` (and stops trying). */
  async connect(timeoutMs = REDIS_START_TIMEOUT_MS): Promise<void> {
    if (this.current === 'up') return;
    const ready = new Promise<void>((resolve) => this.client.once('ready', () => resolve()));
    // connect() rejects on the first failed attempt, yet the client keeps retrying: wait for 'ready' instead.
    this.client.connect().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    const outcome = await Promise.race([ready, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      await this.close();
      throw new Error(this.lastError === 'not connected yet' ? `no answer within ${timeoutMs} ms` : this.lastError);
    }
    this.lastError = 'not connected yet';
  }

  /** Ends the connection (pending commands fail). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.current = 'down';
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}

/** One line for what ioredis reports: the system error code and address, or Redis's own reply (NOAUTH, …). */
export function describeRedisError(error: Error): string {
  const e = error as Error & { code?: string; address?: string; port?: number };
  if (e.code && e.address) return `${e.code} ${e.address}${e.port ? `:${e.port}` : ''}`;
  return error.message.split('\n')[0]!.slice(0, 200);
}
