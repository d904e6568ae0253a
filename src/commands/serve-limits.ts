/**
 * The resilience flags of `serve`: back-pressure, rate limit, timeouts, drain, upstream supervision. Parsed
 * once into numbers with their defaults (the table in docs/serve-limits.md lists the same).
 */
import { DEFAULT_MAX_INFLIGHT, DEFAULT_MAX_QUEUE } from '../adapter/inflight.js';
import { parseRateLimit, type RateLimit } from '../adapter/rate-limit.js';
import { DEFAULT_DRAIN_TIMEOUT_MS } from '../adapter/shutdown.js';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS } from '../adapter/supervisor.js';
import { parseIntFlag } from './serve-options.js';

/** The SDK's own stdio read-buffer limit: one upstream message larger than this drops the connection. */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface ServeLimitFlags {
  maxInflight?: string;
  maxQueue?: string;
  rateLimit?: string;
  drainTimeout?: string;
  headersTimeout?: string;
  requestTimeout?: string;
  pingInterval?: string;
  maxMessageBytes?: string;
}

export interface ServeLimits {
  maxInflight: number;
  maxQueue: number;
  rateLimit?: RateLimit;
  drainTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  maxMessageBytes: number;
}

export function parseServeLimits(opts: ServeLimitFlags): ServeLimits {
  const pingIntervalMs = parseIntFlag(opts.pingInterval, '--ping-interval', PING_INTERVAL_MS, 0);
  return {
    maxInflight: parseIntFlag(opts.maxInflight, '--max-inflight', DEFAULT_MAX_INFLIGHT),
    maxQueue: parseIntFlag(opts.maxQueue, '--max-queue', DEFAULT_MAX_QUEUE, 0),
    ...(opts.rateLimit !== undefined ? { rateLimit: parseRateLimit(opts.rateLimit) } : {}),
    drainTimeoutMs: parseIntFlag(opts.drainTimeout, '--drain-timeout', DEFAULT_DRAIN_TIMEOUT_MS, 0),
    headersTimeoutMs: parseIntFlag(opts.headersTimeout, '--headers-timeout', DEFAULT_HEADERS_TIMEOUT_MS),
    requestTimeoutMs: parseIntFlag(opts.requestTimeout, '--request-timeout', DEFAULT_REQUEST_TIMEOUT_MS),
    pingIntervalMs,
    pingTimeoutMs: Math.min(PING_TIMEOUT_MS, Math.max(250, pingIntervalMs)),
    maxMessageBytes: parseIntFlag(opts.maxMessageBytes, '--max-message-bytes', DEFAULT_MAX_MESSAGE_BYTES, 1024),
  };
}
