/**
 * Listening: the bind-safety rule (no non-loopback address without auth unless explicitly allowed), the
 * node:http server with timeouts that keep slow clients from holding sockets, and an orderly close.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { isLoopbackHost } from './hosts.js';

export interface ServerTimeouts {
  /** Time to receive the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time to receive the whole request (default 60 s). */
  requestTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
}

/** Throws UsageError when `host` is reachable from other machines and nothing guards the tools. */
export function checkBindSafety(host: string, authType: string, noAuth: boolean): void {
  if (isLoopbackHost(host) || authType !== 'none' || noAuth) return;
  throw new UsageError(`refusing to listen on ${host} without auth: anyone who can reach this address could call your tools`, {
    hint: 'add --auth api-key --api-key-env VAR (or bearer/basic), bind --host 127.0.0.1, or pass --no-auth to accept the risk',
  });
}

export interface Listening {
  server: Server;
  /** http://host:port of the bound address. */
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight requests, ends idle keep-alive sockets. */
  close(): Promise<void>;
}

export function listen(handler: RequestListener, port: number, host: string, timeouts: ServerTimeouts = {}): Promise<Listening> {
  const headersTimeout = timeouts.headersTimeoutMs ?? 10_000;
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check often enough.
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))) }, handler);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = timeouts.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : 'check --host and --port';
      reject(new UsageError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { hint, cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' || address.family === (6 as unknown as string) ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        server,
        port: address.port,
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          })),
      });
    });
  });
}
