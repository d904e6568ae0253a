/**
 * What one HTTP/1.1 connection may ask of the adapter. node:http dispatches every pipelined request it has read
 * at once and keeps reading while the kernel takes the answers (megabytes on a fast link): 20 clients pipelining
 * 20,000 GETs each, never reading, kept the CPU busy for half a minute and a normal client waited seconds.
 *
 * - At most `maxPipelined` requests of one socket may be unanswered at a time (an answer counts once it is
 *   written out); a client that sends more without reading its answers is cut off (the socket is destroyed:
 *   browsers, curl, SDKs and ChatGPT do not pipeline, so nobody honest gets here).
 * - At most `maxRequestsPerSocket` requests per connection (nginx's keepalive_requests): the last one is
 *   answered with `Connection: close`, anything pipelined past it gets 503 in the error shape.
 * - A complete answer the client takes nothing of for `stallMs` (not one byte leaves the adapter) ends the
 *   connection, so unread answers are not kept for ever; a slow client that keeps reading is not cut (a 10 MB
 *   file may take minutes). Streams that never complete (SSE) are not affected.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody } from './http-error.js';

export interface SocketLimits {
  /** Unanswered requests one connection may have (default 32). */
  maxPipelined?: number;
  /** Requests one connection may make before it is closed (default 1000). */
  maxRequestsPerSocket?: number;
  /** How long a complete answer may wait without the client reading any of it (default 30 s). */
  stallMs?: number;
}

interface SocketState {
  /** Requests received, total. */
  received: number;
  /** Requests received whose answer is not written out yet. */
  unanswered: number;
}

const STATE = Symbol('mcp-actions.socket');

export function limitSockets(handler: RequestListener, limits: SocketLimits = {}): RequestListener {
  const maxPipelined = limits.maxPipelined ?? 32;
  const maxRequests = limits.maxRequestsPerSocket ?? 1000;
  const stallMs = limits.stallMs ?? 30_000;
  return (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as Socket & { [STATE]?: SocketState };
    if (socket.destroyed) return;
    const state = (socket[STATE] ??= { received: 0, unanswered: 0 });
    state.received += 1;
    state.unanswered += 1;
    let counted = true;
    let stall: NodeJS.Timeout | undefined;
    const done = () => {
      if (stall) clearInterval(stall);
      if (counted) state.unanswered -= 1;
      counted = false;
    };
    res.once('finish', done);
    res.once('close', done);
    if (state.unanswered > maxPipelined) {
      // What node:http had already read of this socket is still dispatched here (a read or two: ~2,400 tiny
      // requests), each dropped at once; nothing more is read.
      socket.destroy();
      return;
    }
    // 'prefinish': the whole answer is handed over; 'finish' follows once it is written out to the client.
    res.once('prefinish', () => {
      let last = unsent(socket);
      stall = setInterval(() => {
        const now = unsent(socket);
        if (now > 0 && now >= last) socket.destroy();
        last = now;
      }, stallMs);
      stall.unref();
    });
    if (state.received > maxRequests) {
      const body = JSON.stringify(errorBody('overloaded', `more than ${maxRequests} requests on one connection; open a new one`));
      res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close', 'Retry-After': '0' });
      res.end(body);
      return;
    }
    if (state.received === maxRequests) res.setHeader('Connection', 'close');
    handler(req, res);
  };
}

/** Bytes of answers still in the adapter for this socket: node's buffer plus libuv's write queue. */
function unsent(socket: Socket): number {
  const handle = (socket as Socket & { _handle?: { writeQueueSize?: number } | null })._handle;
  return socket.writableLength + (handle?.writeQueueSize ?? 0);
}
