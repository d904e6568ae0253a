/**
 * Listening: the bind-safety rule (no non-loopback address without auth unless explicitly allowed), the
 * node:http server with timeouts that keep slow clients from holding sockets, and an orderly close.
 */
import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UsageError } from '../errors.js';
import { errorBody, type ErrorType } from './http-error.js';
import { isLoopbackHost } from './hosts.js';
import { limitSockets, type SocketLimits } from './socket-limits.js';

export interface ServerTimeouts extends SocketLimits {
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
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))) }, limitSockets(handler, timeouts));
  server.headersTimeout = headersTimeout;
  server.requestTimeout = timeouts.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? 5_000;
  server.on('clientError', answerClientError);
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

/** What node:http refuses before any handler runs, in the adapter's error shape. */
function clientErrorAnswer(code: string | undefined): { status: number; type: ErrorType; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: 'headers_too_large', message: 'the request headers are larger than the server accepts (16 KiB by default); send fewer or shorter headers' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: 'request_timeout', message: 'the request was not received in time (--headers-timeout / --request-timeout); send it faster' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, type: 'payload_too_large', message: 'the chunk extensions of the request body are too large' };
    default:
      return { status: 400, type: 'bad_request', message: `the request is not valid HTTP/1.1 (${code ?? 'parse error'})` };
  }
}

/**
 * node:http's own answers (431 headers too large, 400 malformed request, 408 timeout) had empty bodies. Same
 * conditions as Node's default: only when no response of this socket has started, never over a reset socket.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, type, message } = clientErrorAnswer(error.code);
  const body = JSON.stringify(errorBody(type, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
  // A client that does not read its answer does not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}
