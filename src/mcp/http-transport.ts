/**
 * The lean Streamable HTTP client transport (MCP basic/transports "Streamable HTTP") for the adapter's run-time
 * path, in place of the SDK's: one undici keep-alive pool (its connection count bounds the sockets, so the file
 * descriptors), one JSON.parse per message, and a bound on everything the server sends:
 * - one message (a JSON body, or one event of an SSE answer) ≤ `maxMessageBytes`: a larger answer fails its own
 *   request (MessageTooLargeError) and is never buffered;
 * - response headers within the request's budget (undici headersTimeout), the body too (bodyTimeout: a server
 *   that goes silent mid-answer);
 * - an SSE answer is read until the response to our request arrives, then closed (after a short grace for the
 *   stream's own end, so the socket can be kept);
 * - a request that is cancelled (`notifications/cancelled`: the call timed out, or its client hung up) aborts its
 *   POST, which frees its socket.
 * Every failure of a request rejects that request alone with a typed error (UpstreamHttpError, MalformedMessage-
 * Error, MessageTooLargeError): never a hang until the timeout, never an untyped error (→ 500).
 *
 * Sessions: `Mcp-Session-Id` is kept and sent; a 404 on a session re-initializes (the initialize first sent is
 * replayed) and retries the request once. `MCP-Protocol-Version` is sent once negotiated. Server-sent messages
 * (list_changed, resources/updated, server pings) arrive on the standalone GET stream, opened after
 * `notifications/initialized` when the server offers one; progress arrives inside the POST's SSE answer.
 * 2026-07-28 (stateless) servers: no session, no GET stream; `Mcp-Method` / `Mcp-Name` on each POST.
 */
import { Client, type Dispatcher } from 'undici';
import { ConnectionPool, type RequestHandle } from './http-pool.js';
import { isObject, MalformedMessageError, MessageTooLargeError, type JsonRpcMessage, type RequestId, type SendOptions, type SessionTransport } from './json-rpc.js';
import type { OversizedMessage } from './oversized.js';
import { SseReader } from './sse-reader.js';

/** A failed HTTP exchange with the server: an error status, a wrong content type, a broken or cut stream. */
export class UpstreamHttpError extends Error {
  /** The HTTP status, when the server answered one (what connect's classification reads). */
  readonly code?: number;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    // "Streamable HTTP error: " as the SDK's, so connect-errors.ts classifies both alike.
    super(`Streamable HTTP error: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpstreamHttpError';
    if (options.status !== undefined) this.code = options.status;
  }
}

export interface HttpTransportOptions {
  url: URL;
  headers?: Record<string, string>;
  /** Largest single message (JSON body or SSE event data) from the server. */
  maxMessageBytes: number;
  /** Sockets to the server at most (default 64): the pool queues requests beyond. */
  connections?: number;
  /** Headers/body timeout of a request whose sender gives no budget (default 60 s). */
  timeoutMs?: number;
}

/** After our response arrived, how long an SSE answer may take to end by itself before it is closed. */
const SSE_GRACE_MS = 200;
/** Bytes of an error body read for the message (the rest is dropped). */
const ERROR_BODY_BYTES = 4096;
const DEFAULT_TIMEOUT_MS = 60_000;

interface Exchange {
  /** The request's id, when the message is a request. */
  id?: RequestId;
  /** Aborting it closes the request's connection (a cancelled call). */
  handle?: RequestHandle;
  timeoutMs: number;
  /** Called with the response to `id` (instead of onmessage): for the re-initialization. */
  onResponse?: (message: Record<string, unknown>) => void;
}

export class StreamableHttpTransport implements SessionTransport {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onoversized?: (message: OversizedMessage) => void;
  sessionId?: string;

  private pool?: ConnectionPool;
  /** The standalone GET stream's own connection (outside the pool: it is held for the session's life). */
  private streamClient?: Client;
  private readonly origin: string;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly maxMessageBytes: number;
  private readonly timeoutMs: number;
  private readonly connections: number;
  private modern = false;
  private closed = false;
  /** POSTs of requests in flight, by request id: a cancellation aborts its own. */
  private readonly inflight = new Map<RequestId, RequestHandle>();
  /** The initialize request as first sent (replayed when the session expires). */
  private initialize?: Record<string, unknown>;
  private reinitializing?: Promise<void>;
  private reinitCount = 0;
  private getStream?: AbortController;

  constructor(options: HttpTransportOptions) {
    this.origin = options.url.origin;
    this.path = `${options.url.pathname}${options.url.search}`;
    this.headers = { ...lowerKeys(options.headers ?? {}), 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    this.maxMessageBytes = options.maxMessageBytes;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connections = options.connections ?? 64;
  }

  /** Sockets open to the server now (tests: timed-out calls must not leave theirs). */
  get openSockets(): number {
    return this.pool?.connections ?? 0;
  }

  async start(): Promise<void> {
    this.pool = new ConnectionPool(this.origin, this.connections, { maxHeaderSize: 16 * 1024 });
  }

  setProtocolVersion(version: string): void {
    this.headers['mcp-protocol-version'] = version;
  }

  /** 2026-07-28: stateless; every POST names its method (and tool, prompt or resource) in headers. */
  setModern(version: string): void {
    this.modern = true;
    this.headers['mcp-protocol-version'] = version;
  }

  async send(message: JsonRpcMessage, options: SendOptions = {}): Promise<void> {
    if (this.closed || !this.pool) throw new Error('Not connected');
    const m = message as unknown as Record<string, unknown>;
    const method = typeof m.method === 'string' ? m.method : undefined;
    const timeoutMs = options.timeout ?? this.timeoutMs;
    if (method !== undefined && 'id' in m) {
      if (method === 'initialize') this.initialize = m;
      const id = m.id as RequestId;
      const handle: RequestHandle = {};
      this.inflight.set(id, handle);
      try {
        await this.exchange(m, { id, handle, timeoutMs }, true);
      } finally {
        if (this.inflight.get(id) === handle) this.inflight.delete(id);
      }
      return;
    }
    if (method === 'notifications/cancelled' && isObject(m.params)) {
      // The call is over for us: free its socket now, then tell the server.
      const requestId = m.params.requestId as RequestId;
      abortRequest(this.inflight.get(requestId), new Error('cancelled'));
      this.inflight.delete(requestId);
    }
    await this.exchange(m, { timeoutMs }, true);
    if (method === 'notifications/initialized' && !this.modern) this.openGetStream();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const handle of this.inflight.values()) abortRequest(handle, new Error('closed'));
    this.inflight.clear();
    this.getStream?.abort(new Error('closed'));
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    await this.streamClient?.destroy().catch(() => undefined);
    this.onclose?.();
  }

  /** Ends the session (DELETE), politely; never throws. */
  async terminateSession(timeoutMs: number): Promise<void> {
    if (!this.sessionId || !this.pool || this.modern) return;
    try {
      const { res, release } = await this.pool.request({ path: this.path, method: 'DELETE', headers: this.headersFor(), headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
      await res.body.dump();
      release(res.body.readableEnded);
    } catch {
      // the server is gone or does not care
    }
  }

  private headersFor(message?: Record<string, unknown>): Record<string, string> {
    const headers = { ...this.headers };
    if (this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    if (this.modern && message && typeof message.method === 'string') {
      headers['mcp-method'] = message.method;
      const params = isObject(message.params) ? message.params : undefined;
      const name = message.method === 'resources/read' ? params?.uri : message.method === 'tools/call' || message.method === 'prompts/get' ? params?.name : undefined;
      if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
    }
    return headers;
  }

  /**
   * One POST and its answer. A request's answer goes to onmessage (or `onResponse`); anything else that comes
   * with it (progress, server requests) to onmessage. Rejects with a typed error when the answer to the request
   * cannot be had; resolves once it was delivered (or, for a notification, once the server took it).
   */
  private async exchange(message: Record<string, unknown>, ex: Exchange, mayRetry: boolean): Promise<void> {
    const pool = this.pool;
    if (!pool) throw new Error('Not connected');
    let pooled: Awaited<ReturnType<ConnectionPool['request']>>;
    try {
      pooled = await pool.request({
        path: this.path,
        method: 'POST',
        headers: this.headersFor(message),
        body: JSON.stringify(message),
        headersTimeout: ex.timeoutMs,
        bodyTimeout: ex.timeoutMs,
      }, ex.handle);
    } catch (error) {
      throw this.failure(error, 'sending the request failed');
    }
    const { res } = pooled;
    let retry = false;
    try {
      retry = await this.answer(message, res, ex, mayRetry);
    } finally {
      // A body read to its end leaves a socket fit for the next request; any other is closed now.
      pooled.release(res.body.readableEnded);
    }
    if (retry) {
      // The session expired (or the server restarted): a new one, then this request once more.
      await this.reinitialize(this.expiredSession!);
      return this.exchange(message, ex, false);
    }
  }

  /** The session id that answered 404 (for the one re-initialization it causes). */
  private expiredSession?: string;

  /** Reads one POST's answer; true when the request must be sent again on a new session. */
  private async answer(message: Record<string, unknown>, res: Dispatcher.ResponseData, ex: Exchange, mayRetry: boolean): Promise<boolean> {
    const status = res.statusCode;
    const sessionId = res.headers['mcp-session-id'];
    const sent = this.sessionId;
    if (typeof sessionId === 'string' && sessionId !== '' && !this.modern) this.sessionId = sessionId;
    if (status === 404 && sent !== undefined && mayRetry && message.method !== 'initialize' && this.initialize) {
      await res.body.dump().catch(() => undefined);
      this.expiredSession = sent;
      return true;
    }
    if (status < 200 || status >= 300) {
      const text = await readCapped(res.body, ERROR_BODY_BYTES).catch(() => '');
      // A JSON-RPC error answering our request (a 400 from a stateless server, say) is that request's answer.
      const answer = ex.id === undefined ? undefined : parseQuietly(text);
      if (isObject(answer) && answer.id === ex.id && isObject(answer.error)) {
        this.deliver(answer, ex);
        return false;
      }
      throw new UpstreamHttpError(`the server answered HTTP ${status}${describeBody(res.headers['content-type'], text)}`, { status });
    }
    if (ex.id === undefined || status === 202) {
      // A notification or response was taken (202); for a request, the answer comes on the GET stream.
      await res.body.dump().catch(() => undefined);
      return false;
    }
    const type = String(res.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('text/event-stream')) {
      await this.readEvents(res, ex);
      return false;
    }
    if (type.startsWith('application/json')) {
      await this.readJson(res, ex);
      return false;
    }
    discard(res.body);
    // Worded as the SDK's ("Unexpected content type: …"), which connect-errors.ts reads.
    throw new UpstreamHttpError(`Unexpected content type: ${type.split(';')[0] || 'none'} (an MCP server answers JSON or an event stream)`, { status });
  }

  private async readJson(res: Dispatcher.ResponseData, ex: Exchange): Promise<void> {
    const declared = Number(res.headers['content-length']);
    if (declared > this.maxMessageBytes) {
      discard(res.body);
      throw new MessageTooLargeError(declared, this.maxMessageBytes);
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      await consume(res.body, (chunk) => {
        bytes += chunk.length;
        if (bytes > this.maxMessageBytes) return false;
        chunks.push(chunk);
        return true;
      });
    } catch (error) {
      throw this.failure(error, `the answer was cut after ${bytes} bytes`);
    }
    if (bytes > this.maxMessageBytes) throw new MessageTooLargeError(bytes, this.maxMessageBytes);
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MalformedMessageError(`the server answered with a body that is not JSON: ${preview(text)}`);
    }
    let answered = false;
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      if (isObject(item) && item.id === ex.id && ('result' in item || 'error' in item)) answered = true;
      this.deliver(item, ex);
    }
    if (!answered) throw new MalformedMessageError(`the server's JSON answer is not a JSON-RPC response to request ${String(ex.id)}: ${preview(text)}`);
  }

  /** An SSE answer: messages delivered as they come, until ours; then the stream is closed. */
  private async readEvents(res: Dispatcher.ResponseData, ex: Exchange): Promise<void> {
    const body = res.body;
    let answered = false;
    let tooLarge: MessageTooLargeError | undefined;
    let grace: NodeJS.Timeout | undefined;
    const reader = new SseReader(
      this.maxMessageBytes,
      (event) => {
        if (event.event !== 'message' || event.data.trim() === '') return;
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          this.onerror?.(new MalformedMessageError(`the server sent an event that is not JSON: ${preview(event.data)}`));
          return;
        }
        if (isObject(message) && message.id === ex.id && ('result' in message || 'error' in message)) answered = true;
        this.deliver(message, ex);
      },
      (over) => {
        if (over.isResponse && over.id === ex.id) tooLarge = new MessageTooLargeError(over.bytes, over.limit);
        else this.onoversized?.(over);
      },
    );
    try {
      await consume(body, (chunk) => {
        if (answered) return true; // draining to the end within the grace period keeps the socket
        reader.push(chunk);
        if (tooLarge) return false;
        if (answered) {
          grace = setTimeout(() => discard(body), SSE_GRACE_MS);
          grace.unref();
        }
        return true;
      });
    } catch (error) {
      if (answered) return; // closed by us after the grace period, or dropped after our answer: fine
      throw this.failure(error, 'the event stream broke before the answer');
    } finally {
      clearTimeout(grace);
      if (tooLarge || !body.readableEnded) discard(body);
    }
    if (tooLarge) throw tooLarge;
    if (!answered) throw new UpstreamHttpError('the server ended the event stream without answering the request');
  }

  private deliver(message: unknown, ex: Exchange): void {
    if (ex.onResponse && isObject(message) && message.id === ex.id && ('result' in message || 'error' in message)) {
      ex.onResponse(message);
      return;
    }
    try {
      this.onmessage?.(message as JsonRpcMessage);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A 404 on the session: initialize again (once for every request that saw it), then carry on. */
  private reinitialize(expired: string): Promise<void> {
    if (this.reinitializing) return this.reinitializing;
    if (this.sessionId !== expired) return Promise.resolve(); // someone already did
    this.reinitializing ??= (async () => {
      this.sessionId = undefined;
      const id = `mcp-actions-reinit-${++this.reinitCount}`;
      const request = { ...this.initialize!, id };
      let answer: Record<string, unknown> | undefined;
      await this.exchange(request, { id, timeoutMs: this.timeoutMs, onResponse: (m) => (answer = m) }, false);
      if (!answer || !isObject(answer.result)) throw new UpstreamHttpError('the server refused a new session after the old one expired (404)', { status: 404 });
      await this.exchange({ jsonrpc: '2.0', method: 'notifications/initialized' }, { timeoutMs: this.timeoutMs }, false);
      this.openGetStream();
    })().finally(() => {
      this.reinitializing = undefined;
    });
    return this.reinitializing;
  }

  /** The standalone GET stream for what the server sends on its own; a server without one answers 405. */
  private openGetStream(attempt = 0): void {
    if (this.closed || this.modern || !this.pool) return;
    this.getStream?.abort(new Error('replaced'));
    const controller = new AbortController();
    this.getStream = controller;
    const sessionId = this.sessionId;
    void (async () => {
      const headers: Record<string, string> = { ...this.headersFor(), accept: 'text/event-stream' };
      delete headers['content-type'];
      this.streamClient ??= new Client(this.origin, { pipelining: 1, maxHeaderSize: 16 * 1024 });
      const res = await this.streamClient.request({ path: this.path, method: 'GET', headers, signal: controller.signal, headersTimeout: this.timeoutMs, bodyTimeout: 0 });
      if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream')) {
        await res.body.dump().catch(() => undefined);
        return false; // no stream offered (405), or not now: list changes then come only on reconnect
      }
      const reader = new SseReader(
        this.maxMessageBytes,
        (event) => {
          if (event.event !== 'message' || event.data.trim() === '') return;
          const message = parseQuietly(event.data);
          if (message === undefined) this.onerror?.(new MalformedMessageError(`the server sent an event that is not JSON: ${preview(event.data)}`));
          else this.deliver(message, { timeoutMs: 0 });
        },
        (over) => this.onoversized?.(over),
      );
      for await (const chunk of res.body as AsyncIterable<Buffer>) reader.push(chunk);
      return true;
    })().then(
      (streamed) => {
        if (streamed && !controller.signal.aborted && this.sessionId === sessionId) setTimeout(() => this.openGetStream(0), 1000).unref();
      },
      () => {
        // Dropped: try again a few times, slower each time (the supervisor's ping notices a server that is gone).
        if (controller.signal.aborted || this.closed || attempt >= 5) return;
        setTimeout(() => this.openGetStream(attempt + 1), 1000 * 2 ** attempt).unref();
      },
    );
  }

  /** Any failure of undici (network, timeout) as an UpstreamHttpError carrying the original as its cause. */
  private failure(error: unknown, what: string): Error {
    if (error instanceof UpstreamHttpError || error instanceof MessageTooLargeError) return error;
    const code = (error as { code?: unknown })?.code;
    const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
    return new UpstreamHttpError(`${what} (${detail})`, { cause: error });
  }
}

function abortRequest(handle: RequestHandle | undefined, reason: Error): void {
  if (!handle || handle.aborted) return;
  handle.aborted = reason;
  handle.abort?.(reason);
}

/**
 * Reads a body chunk by chunk (events, not an async iterator: cheaper per answer). `onChunk` returning false stops
 * reading and closes the body. Rejects when the body breaks (or is closed by someone else) before its end.
 */
function consume(body: Dispatcher.ResponseData['body'], onChunk: (chunk: Buffer) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      if (onChunk(chunk)) return;
      cleanup();
      discard(body);
      resolve();
    };
    const onEnd = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      body.on('error', () => undefined);
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the answer was closed before its end'));
    };
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Closes a body we stop reading (its socket is dropped). undici emits 'error' on it then: caught here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** 2026-07-28 "Value Encoding": plain when it is safe ASCII, else `=?base64?…?=`. */
function encodeHeaderValue(value: string): string {
  return /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value) ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= max) {
      discard(body);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

function parseQuietly(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeBody(type: unknown, text: string): string {
  const t = String(type ?? '').split(';')[0]!.trim();
  const body = text.trim();
  if (body === '') return '';
  if (t === 'text/html') return ' (an HTML page)';
  return `: ${preview(body)}`;
}

function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
