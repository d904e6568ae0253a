/**
 * The lean client transport for legacy HTTP+SSE (MCP 2024-11-05 "HTTP with SSE") on the adapter's run-time path,
 * in place of the SDK's SSEClientTransport: a GET event stream that carries every message from the server, and a
 * POST per message to the endpoint the stream names. Bounded as the Streamable HTTP one (./http-transport.ts):
 * - the GET's headers and its `endpoint` event within the connect timeout (a server that hangs, drips comments or
 *   never names an endpoint fails the connection, never hangs it); an endpoint on another origin is refused (our
 *   requests and their headers would go there);
 * - one event ≤ `maxMessageBytes` (./sse-reader.ts): a larger answer fails its own call (MessageTooLargeError)
 *   and is never buffered; an answer that is not JSON fails its own call when its id can be read;
 * - POSTs through one keep-alive pool (./http-pool.ts: its size bounds the sockets), headers and body within the
 *   request's budget; a 4xx/5xx fails that message's request (UpstreamHttpError → 502), but a 404 (the server
 *   forgot the session): a new session is opened and the message, which the server never took, goes once more;
 * - a request that is cancelled (timed out, or its client hung up) aborts its POST if it is still running;
 * - one JSON.parse per message.
 * A request's send() settles when its answer arrived (or failed): every failure rejects that request alone with a
 * typed error. When the stream ends or breaks, the requests waiting for an answer on it fail (502: the server's
 * session died with it), and a new stream is opened: a new endpoint is a new session, so the initialize first
 * sent is replayed (as a 404 on a Streamable HTTP session does) and the tools are read again. Only when that fails
 * (the server went away) does the transport close, and the supervisor reconnect with backoff.
 */
import { Client, type Dispatcher } from 'undici';
import { abortRequest, ConnectionPool, type RequestHandle } from './http-pool.js';
import { DEFAULT_HTTP_TIMEOUT_MS, describeBody, lowerKeys, preview, UpstreamHttpError, type HttpTransportOptions } from './http-transport.js';
import { ErrorCode, isObject, MalformedMessageError, McpError, MessageTooLargeError, type JsonRpcMessage, type RequestId, type SendOptions, type SessionTransport } from './json-rpc.js';
import { scanOversized, type OversizedMessage } from './oversized.js';
import { SseReader, type SseEvent } from './sse-reader.js';

/** A failed HTTP exchange over legacy SSE: the Streamable HTTP transport's error ("SSE error: …"); the adapter maps both to 502. */
export class LegacySseError extends UpstreamHttpError {
  /** A 404 on a POST made the transport open a new session: the message was not taken and may go again. */
  sessionLost = false;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { ...options, transport: 'SSE' });
  }
}

/**
 * As the Streamable HTTP transport's: `url` is the SSE URL (GET); `connections` bounds the POSTs' sockets (the
 * stream has one more of its own); `timeoutMs` is also the connect budget (the stream's headers and endpoint event).
 */
export type LegacySseTransportOptions = HttpTransportOptions;

const MAX_HEADER_BYTES = 16 * 1024;
/** Bytes of a POST's answer read (an error's text, or the "Accepted" of a 202); the rest is dropped. */
const POST_BODY_BYTES = 4096;
/** Attempts to open a new stream after one ended, before giving up (the supervisor then reconnects with backoff). */
const REOPEN_ATTEMPTS = 3;
/** A stream that ends this soon after it opened, this many times running, is a server that is not well. */
const QUICK_LOSS_MS = 2000;
const MAX_QUICK_LOSSES = 3;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  /** Its POST: aborted (socket closed) when the request is cancelled. */
  handle: RequestHandle;
  /** Gets the answer instead of onmessage (the re-initialization's own). */
  onResponse?: (message: Record<string, unknown>) => void;
}

interface Stream {
  client: Client;
  controller: AbortController;
}

export class LegacySseTransport implements SessionTransport {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onoversized?: (message: OversizedMessage) => void;

  private pool?: ConnectionPool;
  private stream?: Stream;
  /** Bumped for each stream: events and ends of an older one are ignored. */
  private generation = 0;
  /** Path and query of the endpoint the live stream named. */
  private endpoint?: string;
  private readonly url: URL;
  private readonly origin: string;
  private readonly headers: Record<string, string>;
  private readonly maxMessageBytes: number;
  private readonly timeoutMs: number;
  private readonly connections: number;
  private closed = false;
  /** Requests waiting for their answer on the stream, by id. */
  private readonly waiters = new Map<RequestId, Waiter>();
  /** The initialize request as first sent (replayed on a new stream). */
  private initialize?: Record<string, unknown>;
  private initialized = false;
  private reopening?: Promise<void>;
  private reinitCount = 0;
  private openedAt = 0;
  private quickLosses = 0;

  constructor(options: LegacySseTransportOptions) {
    this.url = options.url;
    this.origin = options.url.origin;
    this.headers = lowerKeys(options.headers ?? {});
    this.maxMessageBytes = options.maxMessageBytes;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.connections = options.connections ?? 64;
  }

  /** Sockets open to the server now: the POST pool's and the stream's. */
  get openSockets(): number {
    return (this.pool?.connections ?? 0) + (this.stream ? 1 : 0);
  }

  /** Opens the stream; resolves once it named its endpoint. */
  async start(): Promise<void> {
    this.pool = new ConnectionPool(this.origin, this.connections, { maxHeaderSize: MAX_HEADER_BYTES });
    await this.openStream();
  }

  setProtocolVersion(version: string): void {
    this.headers['mcp-protocol-version'] = version;
  }

  /** A request settles when its answer arrived (or failed); anything else once the server took it. */
  async send(message: JsonRpcMessage, options: SendOptions = {}): Promise<void> {
    if (this.closed || !this.pool) throw new Error('Not connected');
    const m = message as unknown as Record<string, unknown>;
    const method = typeof m.method === 'string' ? m.method : undefined;
    const timeoutMs = options.timeout ?? this.timeoutMs;
    if (method !== undefined && 'id' in m) {
      if (method === 'initialize') this.initialize = m;
      return this.request(m, m.id as RequestId, timeoutMs);
    }
    if (method === 'notifications/cancelled' && isObject(m.params)) {
      // The call is over for us: free its POST's socket if it still runs, forget it, then tell the server.
      const id = m.params.requestId as RequestId;
      const waiter = this.waiters.get(id);
      if (waiter) this.settle(id, waiter);
    }
    await this.ready();
    await this.post(m, {}, timeoutMs);
    if (method === 'notifications/initialized') this.initialized = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    this.dropStream();
    for (const waiter of this.waiters.values()) abortRequest(waiter.handle, new Error('closed'));
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    this.onclose?.();
    // The session has failed its requests (ConnectionClosed) as it heard of the close; their sends end here.
    const closedError = new McpError(ErrorCode.ConnectionClosed, 'Connection closed');
    for (const waiter of this.waiters.values()) waiter.reject(closedError);
    this.waiters.clear();
  }

  /** Waits for a stream being reopened; throws when there is none to send on. */
  private async ready(): Promise<void> {
    if (this.reopening) await this.reopening;
    if (this.closed || this.endpoint === undefined) throw new Error('Not connected');
  }

  /** POSTs a request and waits for its answer on the stream (bounded by the session's timer, or `timeoutMs` for our own). */
  private request(m: Record<string, unknown>, id: RequestId, timeoutMs: number, onResponse?: (message: Record<string, unknown>) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
        handle: {},
        onResponse,
      };
      this.waiters.set(id, waiter);
      if (onResponse) {
        // Ours (the re-initialization) has no session timer to end it.
        timer = setTimeout(() => this.fail(id, waiter, new McpError(ErrorCode.RequestTimeout, `no answer to ${String(m.method)} within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
      }
      const send = (spare?: RequestId) => this.ready().then(() => this.post(m, waiter.handle, timeoutMs, spare));
      const sent = onResponse
        ? this.post(m, waiter.handle, timeoutMs)
        : send(id).catch((error: unknown) => {
            // The server forgot its session (a 404 on the POST): it never took this message, so the message goes
            // once more, in the new session, unless the request ended meanwhile (its caller's budget).
            if (error instanceof LegacySseError && error.sessionLost && this.waiters.get(id) === waiter) return send();
            throw error;
          });
      sent.catch((error: Error) => this.fail(id, waiter, error));
    });
  }

  /**
   * One POST to the endpoint; rejects with a typed error when the server did not take the message. A 404 (the
   * server forgot the session) opens a new one: the requests waiting on the old stream fail, but `spare`, whose
   * message the server never took, waits to be sent again (the error says `sessionLost`).
   */
  private async post(m: Record<string, unknown>, handle: RequestHandle, timeoutMs: number, spare?: RequestId): Promise<void> {
    const pool = this.pool;
    const path = this.endpoint;
    const generation = this.generation;
    if (!pool || path === undefined) throw new Error('Not connected');
    let pooled: Awaited<ReturnType<ConnectionPool['request']>>;
    try {
      const headers = { ...this.headers, 'content-type': 'application/json' };
      pooled = await pool.request({ path, method: 'POST', headers, body: JSON.stringify(m), headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, handle);
    } catch (error) {
      throw failure(error, 'sending the message failed');
    }
    const { res } = pooled;
    let text = '';
    try {
      text = await readCapped(res.body, POST_BODY_BYTES);
    } catch {
      // an "Accepted" cut short does not matter; an error status still says what went wrong
    } finally {
      pooled.release(res.body.readableEnded);
    }
    const status = res.statusCode;
    if (status >= 200 && status < 300) return;
    const error = new LegacySseError(`the server answered HTTP ${status} to a POST${describeBody(res.headers['content-type'], text)}`, { status });
    if (status === 404 && generation === this.generation && this.initialized) {
      // The server forgot the session the stream named (restarted behind a proxy?): start a new one.
      error.sessionLost = this.streamLost(generation, 'lost its session (HTTP 404 on a POST)', undefined, spare);
    }
    throw error;
  }

  /** GETs the stream and resolves once it named its endpoint; rejects on any failure before that. */
  private openStream(): Promise<void> {
    this.dropStream();
    const generation = ++this.generation;
    const controller = new AbortController();
    const client = new Client(this.origin, { pipelining: 1, maxHeaderSize: MAX_HEADER_BYTES, connect: { timeout: this.timeoutMs } });
    this.stream = { client, controller };
    this.endpoint = undefined;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      /** The stream named its endpoint: from then on, its end is a lost stream, not a failed connection. */
      let named = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (generation === this.generation) this.dropStream();
        reject(error);
      };
      const timer = setTimeout(() => fail(new McpError(ErrorCode.RequestTimeout, `no endpoint event from ${this.url.href} within ${this.timeoutMs} ms`)), this.timeoutMs);
      const onEvent = (event: SseEvent) => {
        if (generation !== this.generation || (settled && !named)) return;
        if (event.event !== 'endpoint') return this.onEvent(event);
        if (named) return; // one endpoint per stream: a second one is ignored
        const endpoint = this.resolveEndpoint(event.data);
        if (endpoint instanceof Error) return fail(endpoint);
        this.endpoint = endpoint;
        this.openedAt = Date.now();
        named = settled = true;
        clearTimeout(timer);
        resolve();
      };
      const reading = (async () => {
        const headers = { ...this.headers, accept: 'text/event-stream' };
        const res = await client.request({ path: `${this.url.pathname}${this.url.search}`, method: 'GET', headers, signal: controller.signal, headersTimeout: this.timeoutMs, bodyTimeout: 0 });
        const type = String(res.headers['content-type'] ?? '').toLowerCase();
        if (res.statusCode !== 200) {
          const text = await readCapped(res.body, POST_BODY_BYTES).catch(() => '');
          throw new LegacySseError(`GET ${this.url.href} answered HTTP ${res.statusCode}${describeBody(type, text)}`, { status: res.statusCode });
        }
        if (!type.startsWith('text/event-stream')) {
          discard(res.body);
          // Worded as the SDK's ("Unexpected content type: …"), which connect-errors.ts reads.
          throw new LegacySseError(`Unexpected content type: ${type.split(';')[0] || 'none'} (a legacy SSE endpoint answers text/event-stream)`, { status: res.statusCode });
        }
        const reader = new SseReader(this.maxMessageBytes, onEvent, (over, name) => generation === this.generation && this.onOversizedEvent(over, name));
        await consume(res.body, (chunk) => reader.push(chunk));
      })();
      reading.then(
        () => (named ? this.streamLost(generation, 'ended') : fail(new LegacySseError('the event stream ended before naming its endpoint'))),
        (error: unknown) => (named ? this.streamLost(generation, 'broke', error) : fail(connectFailure(error, this.url.href))),
      );
    });
  }

  /** The endpoint event's URL, resolved against the SSE URL: path and query, or an error when it is elsewhere. */
  private resolveEndpoint(data: string): string | Error {
    let url: URL;
    try {
      url = new URL(data.trim(), this.url);
    } catch {
      return new LegacySseError(`the endpoint event is not a URL: ${preview(data)}`);
    }
    if (url.origin !== this.origin) {
      return new LegacySseError(`the server named an endpoint on another origin (${url.origin}); refused: our requests and their headers would go there`);
    }
    return `${url.pathname}${url.search}`;
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    stream.controller.abort(new Error('closed'));
    void stream.client.destroy().catch(() => undefined);
  }

  /**
   * The stream ended or broke: its answers are lost with the server's session; a new stream and session follow.
   * Every waiting request fails but `spare`; true when a new session is being opened.
   */
  private streamLost(generation: number, why: string, cause?: unknown, spare?: RequestId): boolean {
    if (this.closed || generation !== this.generation) return false;
    this.generation++;
    this.dropStream();
    this.endpoint = undefined;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const detail = typeof code === 'string' ? ` (${code})` : cause instanceof Error ? ` (${cause.message})` : '';
    const error = new LegacySseError(`the event stream ${why}${detail} before the answer`, { cause });
    for (const [id, waiter] of [...this.waiters]) if (id !== spare) this.fail(id, waiter, error);
    this.quickLosses = Date.now() - this.openedAt < QUICK_LOSS_MS ? this.quickLosses + 1 : 0;
    if (!this.initialized || !this.initialize || this.quickLosses > MAX_QUICK_LOSSES) {
      // Worded without the network error's code: that would make the supervisor restart what closes anyway.
      this.onerror?.(new Error(`the MCP server's event stream ${why}; closing the connection`));
      void this.close();
      return false;
    }
    this.onerror?.(new Error(`the MCP server's event stream ${why}; opening a new session`));
    const reopening = this.reopen().finally(() => {
      if (this.reopening === reopening) this.reopening = undefined;
    });
    this.reopening = reopening;
    reopening.catch(() => {
      // Unless a newer stream is being opened already: the server went away, the supervisor takes over.
      if (this.reopening === undefined) void this.close();
    });
    return true;
  }

  /** A new stream (a few tries), then initialize and notifications/initialized again; the tools are read again. */
  private async reopen(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error('Not connected');
      try {
        await this.openStream();
        break;
      } catch (error) {
        if (attempt >= REOPEN_ATTEMPTS || this.closed) throw error;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt).unref());
      }
    }
    const id = `mcp-actions-reinit-${++this.reinitCount}`;
    let answer: Record<string, unknown> | undefined;
    await this.request({ ...this.initialize!, id }, id, this.timeoutMs, (message) => (answer = message));
    if (!answer || !isObject(answer.result)) throw new LegacySseError('the server refused a new session after its event stream ended');
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, {}, this.timeoutMs);
    this.deliver({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
  }

  /** A `message` event: one parse; an answer settles its request's send(). */
  private onEvent(event: SseEvent): void {
    if (event.event !== 'message' || event.data.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      const error = new MalformedMessageError(`the server sent an event that is not JSON: ${preview(event.data)}`);
      // An answer whose id can still be read fails its own call (→ 502) instead of leaving it to time out.
      const bytes = Buffer.from(event.data, 'utf8');
      const scan = scanOversized(bytes, 0, bytes.length, this.maxMessageBytes);
      const found = scan.isResponse && scan.id !== undefined ? this.waiterOf(scan.id) : undefined;
      if (found) this.fail(found[0], found[1], error);
      else this.onerror?.(error);
      return;
    }
    if (isObject(message) && 'id' in message && ('result' in message || 'error' in message)) {
      const found = this.waiterOf(message.id as RequestId);
      if (found) {
        const [id, waiter] = found;
        this.waiters.delete(id);
        if (waiter.onResponse) waiter.onResponse(message);
        else this.deliver(message);
        waiter.resolve();
        return;
      }
    }
    this.deliver(message);
  }

  /** An event over the bound (skipped unread): the call it answers fails; anything else is reported. */
  private onOversizedEvent(over: OversizedMessage, name: string): void {
    const found = name === 'message' && over.isResponse && over.id !== undefined ? this.waiterOf(over.id) : undefined;
    if (found) this.fail(found[0], found[1], new MessageTooLargeError(over.bytes, over.limit));
    else if (this.onoversized) this.onoversized(over);
    else this.onerror?.(new Error(`skipped a message of ${over.bytes} bytes from the server, over the limit of ${over.limit} bytes`));
  }

  /** The waiter of an answer's id (a numeric id echoed as a string still matches, as in the session). */
  private waiterOf(id: RequestId): [RequestId, Waiter] | undefined {
    const waiter = this.waiters.get(id);
    if (waiter) return [id, waiter];
    if (typeof id === 'string' && id !== '' && Number.isInteger(Number(id))) {
      const numeric = this.waiters.get(Number(id));
      if (numeric) return [Number(id), numeric];
    }
    return undefined;
  }

  private fail(id: RequestId, waiter: Waiter, error: Error): void {
    if (this.waiters.get(id) !== waiter) return;
    this.waiters.delete(id);
    abortRequest(waiter.handle, error);
    waiter.reject(error);
  }

  /** A cancelled request: its POST stops, its send() ends quietly (the session already failed it). */
  private settle(id: RequestId, waiter: Waiter): void {
    this.waiters.delete(id);
    abortRequest(waiter.handle, new Error('cancelled'));
    waiter.resolve();
  }

  private deliver(message: unknown): void {
    try {
      this.onmessage?.(message as JsonRpcMessage);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** A failure before the endpoint: timeouts read as timeouts (connect's classification), the rest typed. */
function connectFailure(error: unknown, href: string): Error {
  if (error instanceof LegacySseError || error instanceof McpError) return error;
  const code = (error as { code?: unknown })?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    const timeout = new McpError(ErrorCode.RequestTimeout, `GET ${href} sent no headers in time`);
    return Object.assign(timeout, { cause: error });
  }
  return failure(error, `GET ${href} failed`);
}

/** Any failure of undici (network, timeout) as a LegacySseError carrying the original as its cause. */
function failure(error: unknown, what: string): Error {
  if (error instanceof LegacySseError) return error;
  const code = (error as { code?: unknown })?.code;
  const detail = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return new LegacySseError(`${what} (${detail})`, { cause: error });
}

/** Reads a body to its end, chunk by chunk; rejects when it breaks (or is closed) before its end. */
function consume(body: Dispatcher.ResponseData['body'], onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    body.on('data', onChunk);
    body.once('end', () => resolve());
    body.once('error', (error) => reject(error));
    body.once('close', () => (body.readableEnded ? resolve() : reject(new Error('the stream was closed before its end'))));
  });
}

function discard(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
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

