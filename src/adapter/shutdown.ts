/**
 * Graceful shutdown: /readyz false and new calls 503 (drain), stop accepting connections, let in-flight
 * calls finish up to the drain timeout while idle keep-alive sockets are closed as they go idle, then cut
 * what is left and close the upstreams (stdin close → SIGTERM → SIGKILL for a child).
 */
import type { Server } from 'node:http';

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** How often idle keep-alive sockets are swept while draining. */
const SWEEP_MS = 50;

export interface Drainable {
  drain?(): void;
  close(): Promise<void>;
}

export interface ShutdownResult {
  /** True when every request finished within the drain timeout. */
  drained: boolean;
  /** True when `cut` ended the drain before it was done (an operator's last signal). */
  cut: boolean;
  /** Milliseconds spent waiting for in-flight requests. */
  waitedMs: number;
}

/**
 * `cut`, when it resolves, ends the drain at once as the timeout would (the CLI resolves it on a third signal).
 */
export async function shutdown(server: Server, upstreams: readonly Drainable[], drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS, cut?: Promise<unknown>): Promise<ShutdownResult> {
  const started = performance.now();
  for (const u of upstreams) u.drain?.();
  const closed = new Promise<boolean>((resolve) => {
    if (!server.listening) resolve(true);
    else server.close(() => resolve(true));
  });
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), drainTimeoutMs);
  });
  let wasCut = false;
  const cutting = cut?.then(() => {
    wasCut = true;
    return false;
  });
  const drained = await Promise.race(cutting ? [closed, expired, cutting] : [closed, expired]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (!drained) server.closeAllConnections();
  const waitedMs = Math.round(performance.now() - started);
  await Promise.all(upstreams.map((u) => u.close()));
  return { drained, cut: wasCut && !drained, waitedMs };
}
