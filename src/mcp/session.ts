/**
 * A lean MCP client session: what the SDK's `Client` does for this tool (initialize handshake, requests with
 * timeouts and cancellation, answering `ping`, notification handlers, rejecting everything pending when the
 * connection closes) without its zod schemas. Results are checked where they are read (introspect.ts,
 * adapter/upstream.ts) for exactly the fields this tool uses.
 *
 * Why not the SDK client: it parses every message twice with zod (the message, then the result), keeps ~8 MB of
 * schemas alive, and `serve` must stay under 80 MB resident under load (issue 8). The wire behaviour is the
 * SDK's: same request ids (0, 1, 2 …), same `notifications/cancelled` on timeout or abort, same error codes.
 */
import type { OversizedMessage } from './oversized.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MSEC,
  ErrorCode,
  isMcpError,
  isObject,
  LATEST_PROTOCOL_VERSION,
  MalformedMessageError,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_PROTOCOL_VERSION,
  META_SERVER_INFO,
  MODERN_PROTOCOL_VERSION,
  McpError,
  MessageTooLargeError,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JsonRpcMessage,
  type SessionTransport,
} from './json-rpc.js';

export interface RequestOptions {
  /** Milliseconds before the request is cancelled and rejects with RequestTimeout (default 60 s). */
  timeout?: number;
  /** Aborting it cancels the request upstream (`notifications/cancelled`). AbortSignal or a look-alike. */
  signal?: AbortSignal;
  /**
   * Called with each `notifications/progress` the server sends for this request. As the SDK: the request's
   * params carry `_meta.progressToken` = the request id, and the handler goes when the request settles.
   */
  onprogress?: (progress: Progress) => void;
}

/** The params of one `notifications/progress`, minus the token. */
export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface ServerInfo {
  name: string;
  version: string;
  title?: string;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class McpSession {
  serverInfo?: ServerInfo;
  capabilities?: Record<string, unknown>;
  instructions?: string;
  protocolVersion?: string;
  /** The connection ended (every pending request has been rejected by then). */
  onclose?: () => void;
  /** Something went wrong that is not any one request's answer (a bad line, an unknown response id…). */
  onerror?: (error: Error) => void;

  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly notificationHandlers = new Map<string, (params: Record<string, unknown>) => void>();
  /** progressToken → handler: a pending request's own (token = its id), or one watched with watchProgress. */
  private readonly progressHandlers = new Map<string | number, (progress: Progress) => void>();
  private state: 'new' | 'open' | 'closed' = 'new';
  private modern = false;

  constructor(
    readonly transport: SessionTransport,
    private readonly clientInfo: { name: string; version: string },
  ) {}

  /** Requests waiting for an answer (tests check nothing is left behind). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Starts the transport and runs the initialize handshake. Closes the transport when it fails. */
  async connect(options: RequestOptions = {}): Promise<void> {
    const transport = this.transport;
    transport.onmessage = (message) => this.onMessage(message);
    transport.onclose = () => this.onClosed();
    transport.onerror = (error) => this.onerror?.(error);
    transport.onoversized = (message) => this.onOversized(message);
    await transport.start();
    this.state = 'open';
    if (transport.sessionId !== undefined) return; // an HTTP session being resumed: already initialized
    try {
      let result: Record<string, unknown>;
      try {
        result = await this.request('initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: this.clientInfo }, options);
      } catch (error) {
        // A server that answers initialize with a JSON-RPC error may be a 2026-07-28 one (no initialize at all).
        if (!isMcpError(error) || !(await this.discover(options))) throw error;
        return;
      }
      this.readInitializeResult(result);
      transport.setProtocolVersion?.(this.protocolVersion!);
      await this.notify('notifications/initialized');
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /**
   * 2026-07-28 (basic/versioning, server/discover): no handshake; every request carries the protocol version and
   * the client's capabilities in `_meta`. True when the server discovers as one that speaks it.
   */
  private async discover(options: RequestOptions): Promise<boolean> {
    this.modern = true;
    let result: Record<string, unknown>;
    try {
      this.transport.setModern?.(MODERN_PROTOCOL_VERSION);
      result = await this.request('server/discover', {}, options);
    } catch {
      this.modern = false;
      return false;
    }
    const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : [];
    if (!versions.includes(MODERN_PROTOCOL_VERSION)) {
      this.modern = false;
      return false;
    }
    // serverInfo travels in the result's _meta (the v2 SDK), or at the top (some early servers).
    const meta = isObject(result._meta) ? result._meta : {};
    const serverInfo = result.serverInfo ?? meta[META_SERVER_INFO];
    this.readInitializeResult({ ...result, serverInfo, protocolVersion: LATEST_PROTOCOL_VERSION });
    this.protocolVersion = MODERN_PROTOCOL_VERSION;
    return true;
  }

  /** Speaking the stateless 2026-07-28 revision (no initialize; `_meta` on every request). */
  get stateless(): boolean {
    return this.modern;
  }

  private readInitializeResult(result: Record<string, unknown>): void {
    const { protocolVersion, serverInfo, capabilities, instructions } = result;
    if (typeof protocolVersion !== 'string') throw new MalformedMessageError('initialize result has no protocolVersion');
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) {
      throw new Error(`Server's protocol version is not supported: ${protocolVersion}`);
    }
    if (!isObject(serverInfo) || typeof serverInfo.name !== 'string' || typeof serverInfo.version !== 'string') {
      throw new MalformedMessageError('initialize result has no serverInfo with a name and a version');
    }
    if (!isObject(capabilities)) throw new MalformedMessageError('initialize result has no capabilities object');
    this.protocolVersion = protocolVersion;
    this.serverInfo = { name: serverInfo.name, ...(typeof serverInfo.title === 'string' ? { title: serverInfo.title } : {}), version: serverInfo.version };
    this.capabilities = knownCapabilities(capabilities);
    if (typeof instructions === 'string') this.instructions = instructions;
  }

  /**
   * Calls `handler` for each `notifications/progress` carrying `token`, until the returned function is called.
   * For progress that outlives its request: a task keeps the token of the `tools/call` that created it.
   */
  watchProgress(token: string | number, handler: (progress: Progress) => void): () => void {
    this.progressHandlers.set(token, handler);
    return () => {
      if (this.progressHandlers.get(token) === handler) this.progressHandlers.delete(token);
    };
  }

  /** Calls `handler` for every notification with this method (one handler per method; the last one wins). */
  setNotificationHandler(method: string, handler: (params: Record<string, unknown>) => void): void {
    this.notificationHandlers.set(method, handler);
  }

  /**
   * Sends a request; resolves with its result object. Rejects with McpError (the server's JSON-RPC error,
   * RequestTimeout, ConnectionClosed), MalformedMessageError, or the transport's send error.
   */
  request(method: string, params?: Record<string, unknown>, options: RequestOptions = {}): Promise<Record<string, unknown>> {
    if (this.state !== 'open') return Promise.reject(new Error('Not connected'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timeout = options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MSEC;
      const entry: Pending = {
        resolve,
        reject,
        timer: setTimeout(() => this.cancel(id, new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout })), timeout),
      };
      if (signal) {
        entry.signal = signal;
        entry.onAbort = () => this.cancel(id, signal.reason);
        signal.addEventListener('abort', entry.onAbort);
      }
      this.pending.set(id, entry);
      let sent = params;
      if (this.modern) {
        const meta = isObject(params?._meta) ? params._meta : {};
        sent = {
          ...params,
          _meta: { ...meta, [META_PROTOCOL_VERSION]: MODERN_PROTOCOL_VERSION, [META_CLIENT_CAPABILITIES]: {}, [META_CLIENT_INFO]: this.clientInfo },
        };
      }
      if (options.onprogress) {
        const meta = isObject(sent?._meta) ? sent._meta : {};
        sent = { ...sent, _meta: { ...meta, progressToken: id } };
        this.progressHandlers.set(id, options.onprogress);
      }
      const message = sent === undefined ? { jsonrpc: '2.0' as const, id, method } : { jsonrpc: '2.0' as const, id, method, params: sent };
      this.transport.send(message, { timeout }).catch((error: unknown) => {
        if (this.take(id)) reject(error);
      });
    });
  }

  /** Sends a notification (no answer). */
  notify(method: string, params?: Record<string, unknown>): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new Error('Not connected'));
    return this.transport.send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** `ping`: resolves when the server answers (2026-07-28 has no ping: server/discover instead). */
  async ping(options: RequestOptions = {}): Promise<void> {
    await this.request(this.modern ? 'server/discover' : 'ping', this.modern ? {} : undefined, options);
  }

  /** Closes the transport; pending requests reject with ConnectionClosed. Never throws. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.transport.close().catch(() => undefined);
    this.onClosed();
  }

  /** Removes a pending request (its timer and abort listener); returns it, if it was still pending. */
  private take(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    this.progressHandlers.delete(id);
    clearTimeout(entry.timer);
    if (entry.onAbort) entry.signal!.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  /** Timeout or abort: tell the server (as the SDK does) and reject. */
  private cancel(id: number, reason: unknown): void {
    const entry = this.take(id);
    if (!entry) return;
    if (this.state === 'open') {
      this.transport
        .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } })
        .catch((error: unknown) => this.onerror?.(new Error(`Failed to send cancellation: ${String(error)}`)));
    }
    entry.reject(isMcpError(reason) ? reason : new McpError(ErrorCode.RequestTimeout, String(reason)));
  }

  private onMessage(message: JsonRpcMessage): void {
    const m = message as unknown as Record<string, unknown>;
    if (!isObject(m) || m.jsonrpc !== '2.0') {
      this.onerror?.(new MalformedMessageError(`Unknown message type: ${preview(m)}`));
      return;
    }
    if ('id' in m && ('result' in m || 'error' in m)) this.onResponse(m);
    else if (typeof m.method === 'string' && 'id' in m) this.onRequest(m.id as string | number, m.method);
    else if (m.method === 'notifications/progress' && isObject(m.params) && this.progressHandlers.size > 0) this.onProgress(m.params);
    else if (typeof m.method === 'string') {
      const handler = this.notificationHandlers.get(m.method);
      if (handler) {
        try {
          handler(isObject(m.params) ? m.params : {});
        } catch (error) {
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        }
      }
    } else this.onerror?.(new MalformedMessageError(`Unknown message type: ${preview(m)}`));
  }

  /** A progress notification for a token someone watches; others (and malformed ones) are ignored. */
  private onProgress(params: Record<string, unknown>): void {
    const token = params.progressToken;
    if (typeof token !== 'string' && typeof token !== 'number') return;
    const handler = this.progressHandlers.get(token);
    if (!handler || typeof params.progress !== 'number') return;
    const progress: Progress = { progress: params.progress };
    if (typeof params.total === 'number') progress.total = params.total;
    if (typeof params.message === 'string') progress.message = params.message;
    try {
      handler(progress);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private onResponse(m: Record<string, unknown>): void {
    // As the SDK: an id echoed as a string ("3") still matches request 3.
    const id = typeof m.id === 'number' ? m.id : typeof m.id === 'string' && m.id !== '' ? Number(m.id) : NaN;
    const entry = Number.isInteger(id) ? this.take(id) : undefined;
    if (!entry) {
      this.onerror?.(new Error(`Received a response for an unknown message ID: ${preview(m)}`));
      return;
    }
    if ('error' in m) {
      const error = m.error as { code?: unknown; message?: unknown; data?: unknown };
      const valid = isObject(error) && Number.isInteger(error.code) && typeof error.message === 'string';
      entry.reject(
        valid
          ? new McpError(error.code as number, error.message as string, error.data)
          : new MalformedMessageError(`the server answered with a malformed error: ${preview(m.error)}`),
      );
    } else if (isObject(m.result)) entry.resolve(m.result);
    else entry.reject(new MalformedMessageError(`the server answered with a result that is not an object: ${preview(m.result)}`));
  }

  /**
   * A message the transport skipped for its size. The answer to one of our requests fails that request alone
   * (an id echoed as a string still matches, as in onResponse); anything else is reported and forgotten.
   */
  private onOversized(message: OversizedMessage): void {
    const id = typeof message.id === 'number' ? message.id : typeof message.id === 'string' && message.id !== '' ? Number(message.id) : NaN;
    const entry = message.isResponse && Number.isInteger(id) ? this.take(id) : undefined;
    if (entry) entry.reject(new MessageTooLargeError(message.bytes, message.limit));
    else {
      const what = message.isResponse ? `an answer${message.id === undefined ? ' without a readable id' : ` to unknown request ${String(message.id)}`}` : 'a message';
      this.onerror?.(new Error(`skipped ${what} of ${message.bytes} bytes from the server, over the limit of ${message.limit} bytes for one message`));
    }
  }

  /** Requests from the server: `ping` is answered; this client offers nothing else (no sampling, roots…). */
  private onRequest(id: string | number, method: string): void {
    const answer: JsonRpcMessage =
      method === 'ping'
        ? { jsonrpc: '2.0', id, result: {} }
        : { jsonrpc: '2.0', id, error: { code: ErrorCode.MethodNotFound, message: 'Method not found' } };
    this.transport.send(answer).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const pending = [...this.pending.keys()];
    for (const id of pending) this.take(id)?.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'));
    this.progressHandlers.clear();
    this.onclose?.();
  }
}

/** The capabilities the SDK's schema knows, with their known members (what its zod parse kept). */
function knownCapabilities(caps: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pick = (value: unknown, keys: string[]): Record<string, unknown> => {
    const picked: Record<string, unknown> = {};
    if (isObject(value)) for (const k of keys) if (typeof value[k] === 'boolean') picked[k] = value[k];
    return picked;
  };
  // In the schema's order, as its parse returned them.
  const members: Record<string, string[] | undefined> = {
    experimental: undefined,
    logging: undefined,
    completions: undefined,
    prompts: ['listChanged'],
    resources: ['subscribe', 'listChanged'],
    tools: ['listChanged'],
    tasks: undefined,
    extensions: undefined,
  };
  for (const [key, keys] of Object.entries(members)) {
    if (isObject(caps[key])) out[key] = keys ? pick(caps[key], keys) : caps[key];
  }
  return out;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}
