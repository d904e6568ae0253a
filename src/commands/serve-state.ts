/**
 * `serve --redis URL` (or MCP_ACTIONS_REDIS_URL) and `--redis-prefix`: where the state that replicas share
 * lives. Without them everything stays in this process's memory. With them `serve` connects before it listens:
 * a URL that is not a Redis URL, or a Redis that does not answer within a few seconds, ends the command with
 * exit 2 and one line (a supervisor restarts it; a replica that silently counted limits on its own would let
 * N times the limit through). Once running, Redis going away and coming back is logged once each way.
 */
import type { Logger } from 'pino';
import { checkRedisUrl, REDIS_START_TIMEOUT_MS, RedisConnection } from '../adapter/store/redis-connection.js';
import { DEFAULT_REDIS_PREFIX } from '../adapter/store/redis-job-store.js';
import { StateStoreError, UsageError } from '../errors.js';

export const REDIS_URL_ENV = 'MCP_ACTIONS_REDIS_URL';

export interface StateFlags {
  redis?: string;
  redisPrefix?: string;
}

export interface StateSettings {
  url: string;
  prefix: string;
}

/** The Redis settings, or undefined for in-memory state. Throws UsageError for a bad URL or prefix. */
export function parseStateFlags(opts: StateFlags, env: Record<string, string | undefined>): StateSettings | undefined {
  const fromEnv = opts.redis === undefined;
  const url = opts.redis ?? env[REDIS_URL_ENV];
  const source = fromEnv ? REDIS_URL_ENV : '--redis';
  if (url === undefined || (fromEnv && url.trim() === '')) {
    if (opts.redisPrefix !== undefined) throw new UsageError('--redis-prefix needs --redis', { hint: `give --redis redis://host:6379 (or set ${REDIS_URL_ENV})` });
    return undefined;
  }
  const checked = checkRedisUrl(url.trim());
  if (typeof checked === 'string') {
    // The value may hold a password: name what is wrong with it, never echo it.
    throw new UsageError(`${source} ${checked}`, { hint: 'give a URL such as redis://127.0.0.1:6379, redis://:password@host:6379/0 or rediss://host:6380 (TLS)' });
  }
  const prefix = opts.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  if (!/^[\x21-\x7e]{1,64}$/.test(prefix)) {
    throw new UsageError(`--redis-prefix "${prefix.slice(0, 80)}" is not 1 to 64 printable characters without spaces`, { hint: 'e.g. --redis-prefix myapp:prod: (one per deployment sharing a Redis)' });
  }
  return { url: url.trim(), prefix };
}

/**
 * Connects (waiting up to `timeoutMs`, at most REDIS_START_TIMEOUT_MS) and logs every later transition once.
 * Throws StateStoreError when Redis does not answer in time.
 */
export async function connectState(settings: StateSettings, logger: Logger, timeoutMs: number): Promise<RedisConnection> {
  const connection = new RedisConnection(settings.url);
  try {
    await connection.connect(Math.min(timeoutMs, REDIS_START_TIMEOUT_MS));
  } catch (error) {
    throw new StateStoreError(`Redis at ${connection.where} does not answer: ${(error as Error).message}`, {
      hint: 'start Redis or fix --redis / MCP_ACTIONS_REDIS_URL (or leave both out to keep state in memory)',
      cause: error,
    });
  }
  connection.on('down', (reason) =>
    logger.error({ redis: connection.where, reason }, 'redis unreachable: calls that need shared state (rate limit, jobs) answer 503 until it is back'),
  );
  connection.on('up', () => logger.info({ redis: connection.where }, 'redis reachable again: shared state restored'));
  return connection;
}
