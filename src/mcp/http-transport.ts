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
import { abortRequest, ConnectionPool, isSocketClosed, STALE_IDLE_MS, type Lease, type RequestHandle } from './http-pool.js';
import { isObject, MalformedMessageError, MessageTooLargeError, type JsonRpcMessage, type RequestId, type SendOptions, type SessionTransport } from './json-rpc.js';
import type { OversizedMessage } from './oversized.js';
import { SseReader } from './sse-reader.js';

/** A failed HTTP exchange with the server: an error status, a wrong content type, a broken or cut stream. */
export class UpstreamHttpError extends Error {
  /** The HTTP status, when the server answered one (what connect's classification reads). */
  readonly code?: number;
  constructor(message: string, options: { status?: number; cause?: unknown; transport?: 'Streamable HTTP' | 'SSE' } = {}) {
    // "Streamable HTTP error: " ("SSE error: ") as the SDK's, so connect-errors.ts classifies both alike.
    super(`${options.transport ?? 'Streamable HTTP'} error: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
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
/** A request's budget when its sender gives none (the legacy SSE transport's too). */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;

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
  /** The headers of a POST, built once per session id (and protocol version): not rebuilt per call. */
  private postHeaders?: Record<string, string>;
  private postHeadersSession?: string;

  constructor(options: HttpTransportOptions) {
    this.origin = options.url.origin;
    this.path = `${options.url.pathname}${options.url.search}`;
    this.headers = { ...lowerKeys(options.headers ?? {}), 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    this.maxMessageBytes = options.maxMessageBytes;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
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
    this.postHeaders = undefined;
  }

  /** 2026-07-28: stateless; every POST names its method (and tool, prompt or resource) in headers. */
  setModern(version: string): void {
    this.modern = true;
    this.headers['mcp-protocol-version'] = version;
    this.postHeaders = undefined;
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

  /** A POST's headers: the same object call after call (undici only reads it), but for 2026-07-28's per-call names. */
  private postHeadersFor(message: Record<string, unknown>): Record<string, string> {
    if (this.modern) return this.headersFor(message);
    if (this.postHeaders === undefined || this.postHeadersSession !== this.sessionId) {
      this.postHeaders = this.headersFor();
      this.postHeadersSession = this.sessionId;
    }
    return this.postHeaders;
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
   * The answer is read by a PostAnswer (undici's dispatch handler, below): bytes as they come off the socket,
   * with no body stream, promise or parsed header object per call.
   */
  private async exchange(message: Record<string, unknown>, ex: Exchange, mayRetry: boolean, mayResend = true): Promise<void> {
    const pool = this.pool;
    if (!pool) throw new Error('Not connected');
    let lease: Lease;
    try {
      lease = await pool.lease(undefined, ex.handle);
    } catch (error) {
      throw this.failure(error, 'sending the request failed');
    }
    const sent = this.sessionId;
    const answer = new PostAnswer(this, ex, mayRetry && sent !== undefined && message.method !== 'initialize' && this.initialize !== undefined);
    let resend = false;
    try {
      lease.client.dispatch(
        { path: this.path, method: 'POST', headers: this.postHeadersFor(message), body: JSON.stringify(message), headersTimeout: ex.timeoutMs, bodyTimeout: ex.timeoutMs },
        answer,
      );
      await answer.settled;
    } catch (error) {
      // A socket idle long enough for the server's keep-alive timeout, closed under the request before any answer:
      // the server closed it as the request went out and never read it. Sent again once, on a new connection,
      // as browsers do; a new connection that fails so, or a socket that was busy a moment ago, is not retried
      // (the server may have taken the request: a tool call could run twice).
      if (!(mayResend && answer.closedUnanswered && lease.idleMs >= STALE_IDLE_MS)) throw error;
      resend = true;
      // The server closes idle connections: the others idle about as long are closed (or closing) too.
      pool.dropIdle(STALE_IDLE_MS);
    } finally {
      // A response read to its end leaves a socket fit for the next request; any other is closed now.
      lease.release(answer.reusable);
    }
    if (resend) return this.exchange(message, ex, mayRetry, false);
    if (answer.retry) {
      // The session expired (or the server restarted): a new one, then this request once more.
      await this.reinitialize(sent!);
      return this.exchange(message, ex, false);
    }
  }

  /** PostAnswer's way in: the session id a response carries (a 2026-07-28 server has none). */
  takeSession(id: string): void {
    if (!this.modern) this.sessionId = id;
  }

  /** PostAnswer's way in: one message of the answer, delivered. */
  deliverMessage(message: unknown, ex: Exchange): void {
    this.deliver(message, ex);
  }

  /** PostAnswer's way in: an event that is not JSON (the request it answers, if any, times out). */
  reportError(error: Error): void {
    this.onerror?.(error);
  }

  /** PostAnswer's way in: an SSE message over the bound that answers another request (or none). */
  reportOversized(message: OversizedMessage): void {
    this.onoversized?.(message);
  }

  get messageLimit(): number {
    return this.maxMessageBytes;
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
  failure(error: unknown, what: string): Error {
    if (error instanceof UpstreamHttpError || error instanceof MessageTooLargeError) return error;
    const code = (error as { code?: unknown })?.code;
    const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
    return new UpstreamHttpError(`${what} (${detail})`, { cause: error });
  }
}

/** Bytes of a body nobody reads (a notification's answer, a 202, a 404 being retried) read before it is cut. */
const DRAIN_BYTES = 128 * 1024;

/**
 * Reads one POST's answer, as undici hands it over (a dispatch handler: status and raw headers, then chunks).
 * What it does with it, by status and content type:
 * - 404 on a session, when the request may be retried: drained; `retry` tells the transport to re-initialize;
 * - another error status: up to ERROR_BODY_BYTES kept, for the message (or the JSON-RPC error answering us);
 * - a notification's answer, or a 202: drained;
 * - text/event-stream: events parsed as they come (SseReader), messages delivered; once ours arrived the rest
 *   may run to its end for SSE_GRACE_MS (keeping the socket), then the request is aborted (the socket closed);
 * - application/json: kept up to the bound, parsed once at its end;
 * - anything else: aborted.
 * `settled` resolves when the exchange is over for the caller, or rejects with its typed error; `reusable` says
 * whether the socket may carry another request (the response was read to its end).
 */
class PostAnswer implements Dispatcher.DispatchHandler {
  readonly settled: Promise<void>;
  retry = false;
  /** The socket closed (or was reset) before any of the answer came: see exchange(). */
  closedUnanswered = false;
  reusable = false;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  private done = false;
  private abortRequest?: (error?: Error) => void;
  private mode: 'drain' | 'error' | 'sse' | 'json' = 'drain';
  private status = 0;
  private contentType = '';
  private chunks: Buffer[] = [];
  private bytes = 0;
  private reader?: SseReader;
  private answered = false;
  private grace?: NodeJS.Timeout;

  constructor(
    private readonly transport: StreamableHttpTransport,
    private readonly ex: Exchange,
    /** A 404 means the session expired and the request may be sent again on a new one. */
    private readonly mayRetry: boolean,
  ) {
    this.settled = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortRequest = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void): boolean {
    if (status < 200) return true; // 1xx: the real answer follows
    this.status = status;
    let sessionId: string | undefined;
    let contentLength: string | undefined;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 12) {
        if (name.toString('latin1').toLowerCase() === 'content-type') this.contentType = rawHeaders[i + 1]!.toString('latin1').toLowerCase();
      } else if (name.length === 14) {
        const lower = name.toString('latin1').toLowerCase();
        if (lower === 'mcp-session-id') sessionId = rawHeaders[i + 1]!.toString('latin1');
        else if (lower === 'content-length') contentLength = rawHeaders[i + 1]!.toString('latin1');
      }
    }
    if (sessionId !== undefined && sessionId !== '') this.transport.takeSession(sessionId);
    if (status === 404 && this.mayRetry) {
      this.retry = true;
      return true; // drained, then sent again on a new session
    }
    if (status < 200 || status >= 300) {
      this.mode = 'error';
      return true;
    }
    if (this.ex.id === undefined || status === 202) return true; // a notification or response was taken
    if (this.contentType.startsWith('text/event-stream')) {
      this.mode = 'sse';
      this.reader = new SseReader(
        this.transport.messageLimit,
        (event) => this.onEvent(event.event, event.data),
        (over) => {
          if (over.isResponse && over.id === this.ex.id) this.fail(new MessageTooLargeError(over.bytes, over.limit));
          else this.transport.reportOversized(over);
        },
      );
      return true;
    }
    if (this.contentType.startsWith('application/json')) {
      const declared = Number(contentLength);
      if (declared > this.transport.messageLimit) this.fail(new MessageTooLargeError(declared, this.transport.messageLimit));
      else this.mode = 'json';
      return true;
    }
    // Worded as the SDK's ("Unexpected content type: …"), which connect-errors.ts reads.
    this.fail(new UpstreamHttpError(`Unexpected content type: ${this.contentType.split(';')[0] || 'none'} (an MCP server answers JSON or an event stream)`, { status }));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    switch (this.mode) {
      case 'sse':
        if (this.answered) return true; // draining to the end within the grace period keeps the socket
        this.reader!.push(chunk);
        if (this.answered && !this.done) {
          this.grace = setTimeout(() => this.finish(), SSE_GRACE_MS);
          this.grace.unref();
        }
        return true;
      case 'json':
        this.bytes += chunk.length;
        if (this.bytes > this.transport.messageLimit) this.fail(new MessageTooLargeError(this.bytes, this.transport.messageLimit));
        else this.chunks.push(chunk);
        return true;
      case 'error':
        if (this.bytes < ERROR_BODY_BYTES) {
          this.chunks.push(chunk);
          this.bytes += chunk.length;
        } else this.failWithStatus(); // enough for the message: the rest is dropped with the socket
        return true;
      default:
        this.bytes += chunk.length;
        if (this.bytes > DRAIN_BYTES) this.finish(); // nobody reads it: the socket goes rather than the time
        return true;
    }
  }

  onComplete(): void {
    clearTimeout(this.grace);
    if (this.done) return;
    this.reusable = true;
    switch (this.mode) {
      case 'sse':
        if (this.answered) this.finish();
        else this.fail(new UpstreamHttpError('the server ended the event stream without answering the request'));
        return;
      case 'json':
        this.readJson();
        return;
      case 'error':
        this.failWithStatus();
        return;
      default:
        this.finish();
    }
  }

  onError(error: Error): void {
    clearTimeout(this.grace);
    if (this.done) return; // aborted by us (the outcome is set), or after the answer
    if (this.status === 0) {
      this.closedUnanswered = isSocketClosed(error);
      this.fail(this.transport.failure(error, 'sending the request failed'));
    }
    else if (this.mode === 'sse') this.answered ? this.finish() : this.fail(this.transport.failure(error, 'the event stream broke before the answer'));
    else if (this.mode === 'json') this.fail(this.transport.failure(error, `the answer was cut after ${this.bytes} bytes`));
    else if (this.mode === 'error') this.failWithStatus();
    else this.finish(); // a body nobody reads broke: the request itself went through
  }

  private onEvent(event: string, data: string): void {
    if (event !== 'message' || data.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      this.transport.reportError(new MalformedMessageError(`the server sent an event that is not JSON: ${preview(data)}`));
      return;
    }
    if (isObject(message) && message.id === this.ex.id && ('result' in message || 'error' in message)) this.answered = true;
    this.transport.deliverMessage(message, this.ex);
  }

  private readJson(): void {
    const text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks, this.bytes).toString('utf8');
    this.chunks = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.fail(new MalformedMessageError(`the server answered with a body that is not JSON: ${preview(text)}`));
      return;
    }
    let answered = false;
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      if (isObject(item) && item.id === this.ex.id && ('result' in item || 'error' in item)) answered = true;
      this.transport.deliverMessage(item, this.ex);
    }
    if (answered) this.finish();
    else this.fail(new MalformedMessageError(`the server's JSON answer is not a JSON-RPC response to request ${String(this.ex.id)}: ${preview(text)}`));
  }

  /** An error status: the JSON-RPC error answering our request (a 400 from a stateless server, say), or a failure. */
  private failWithStatus(): void {
    const text = Buffer.concat(this.chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
    this.chunks = [];
    const answer = this.ex.id === undefined ? undefined : parseQuietly(text);
    if (isObject(answer) && answer.id === this.ex.id && isObject(answer.error)) {
      this.transport.deliverMessage(answer, this.ex);
      this.finish();
      return;
    }
    this.fail(new UpstreamHttpError(`the server answered HTTP ${this.status}${describeBody(this.contentType, text)}`, { status: this.status }));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (!this.reusable) this.abort();
    this.resolve();
  }

  private fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    if (!this.reusable) this.abort();
    this.reject(error);
  }

  /** Stops the request where it is: its socket is closed (the lease is released as not reusable). */
  private abort(): void {
    this.reusable = false;
    this.done = true;
    clearTimeout(this.grace);
    this.abortRequest?.(new Error('the answer was closed by the client'));
  }
}

/** The headers with lower-case names (shared with the legacy SSE transport). */
export function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** 2026-07-28 "Value Encoding": plain when it is safe ASCII, else `=?base64?…?=`. */
function encodeHeaderValue(value: string): string {
  return /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value) ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function parseQuietly(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What an error answer's body said, for the message: nothing, " (an HTML page)", or ": <its first 160 characters>". */
export function describeBody(type: unknown, text: string): string {
  const t = String(type ?? '').split(';')[0]!.trim();
  const body = text.trim();
  if (body === '') return '';
  if (t === 'text/html') return ' (an HTML page)';
  return `: ${preview(body)}`;
}

/** One line of at most 160 characters, for messages. */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
