/**
 * The MCP face: `serve` as a remote MCP server in front of its upstream, next to the REST routes.
 *
 * - `POST/GET/DELETE /mcp`: Streamable HTTP. `initialize` opens a session (2025-03-26 … 2025-11-25:
 *   `Mcp-Session-Id`, a GET stream for server notifications, DELETE to end); a request carrying the
 *   2026-07-28 `_meta` is served statelessly (`server/discover`, `subscriptions/listen`, `Mcp-Method` checks).
 * - `GET /sse` + `POST /messages?sessionId=…`: the old HTTP+SSE transport (2024-11-05).
 *
 * Every request has passed the adapter's Host/Origin guard (guards.ts) and is authenticated like a REST call;
 * every tools/call goes through the shared pipeline.
 * A raw node:http handler (no express) because tools/call is the hot path.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { HangupSignal } from '../hangup-signal.js';
import { HttpError } from '../http-error.js';
import type { Authenticator, Identity } from '../identity/identity.js';
import { authenticateRequest } from '../pipeline/admit.js';
import type { RateLimiter } from '../rate-limit.js';
import { readJsonBody } from '../read-body.js';
import type { CallProgress } from '../upstream.js';
import type { BackendEvent, FaceBackend } from './backend.js';
import type { CallOutcome } from './call.js';
import { dispatch, initializeResult, type DispatchContext, type DispatchScope } from './dispatch.js';
import { checkModernRequest, metaVersion } from './modern.js';
import {
  classify,
  ErrorCode,
  errorMessage,
  idKey,
  isObject,
  LEGACY_VERSIONS,
  META_SUBSCRIPTION_ID,
  MODERN_VERSION,
  notificationMessage,
  resultMessage,
  RpcError,
  type RpcRequest,
} from './protocol.js';
import { SessionTable, type FaceSession, type SessionLimits } from './sessions.js';
import { KEEPALIVE_MS, SseStream } from './sse.js';

export interface McpFaceOptions {
  backend: FaceBackend;
  authenticator: Authenticator;
  rateLimiter?: RateLimiter;
  logger?: Logger;
  logArgs?: boolean;
  callTimeoutMs: number;
  maxResponseChars: number;
  maxBodyBytes: number;
  sessions?: SessionLimits;
  /** Path the face is mounted under (`/{server}` for one server of several), for the old transport's endpoint. */
  basePath?: string;
  /** Longest time a client may leave its SSE stream unread (in buffered bytes) before it is cut. */
  maxBufferedBytes?: number;
  /** Comment lines on long-lived streams (default 25 s; 0 = off). */
  keepAliveMs?: number;
}

export interface McpFace {
  /** Answers `/mcp`, `/sse` and `/messages`; false for any other path (nothing was done). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  readonly sessions: SessionTable;
  /** Open 2026-07-28 subscription streams. */
  readonly listeners: number;
  /** Refuses new work, ends every stream and session (shutdown). */
  drain(): void;
  close(): Promise<void>;
}

interface Listener {
  id: string | number;
  tools: boolean;
  prompts: boolean;
  resources: boolean;
  stream: SseStream;
}

const JSON_TYPE = 'application/json';
/** Resolves after I/O had a turn (setImmediate), so what was written before leaves in its own chunk. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createMcpFace(options: McpFaceOptions): McpFace {
  const { backend, authenticator, rateLimiter, logger, logArgs = false } = options;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const sessions = new SessionTable(options.sessions);
  const listeners = new Set<Listener>();
  const keepAliveMs = options.keepAliveMs ?? KEEPALIVE_MS;
  const maxBufferedBytes = options.maxBufferedBytes ?? Math.max(1 << 20, options.maxResponseChars * 8);
  const ctx: DispatchContext = {
    backend,
    limits: {
      callTimeoutMs: options.callTimeoutMs,
      maxResponseChars: options.maxResponseChars,
      ...(rateLimiter ? { rateLimiter } : {}),
      ...(authenticator.authorize ? { authorize: authenticator.authorize.bind(authenticator) } : {}),
    },
    cacheScope: authenticator.type === 'none' ? 'public' : 'private',
  };
  let draining = false;

  const unsubscribe = backend.subscribe((event) => broadcast(event));

  function broadcast(event: BackendEvent): void {
    const method = event.kind === 'tools' ? 'notifications/tools/list_changed' : event.method;
    if (method === 'notifications/resources/updated') return; // nobody can subscribe to a resource here
    const legacy = notificationMessage(method);
    for (const session of sessions.values()) if (session.initialized || session.kind === 'sse') session.stream?.send(legacy);
    for (const l of listeners) {
      const wanted = method === 'notifications/tools/list_changed' ? l.tools : method === 'notifications/prompts/list_changed' ? l.prompts : l.resources;
      if (wanted) l.stream.send(notificationMessage(method, { _meta: { [META_SUBSCRIPTION_ID]: l.id } }));
    }
  }

  // ---- answers -------------------------------------------------------------------------------------------

  function sendJson(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
    if (res.headersSent || res.destroyed) return;
    const out: Record<string, string | number> = { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' };
    if (headers) Object.assign(out, headers);
    res.writeHead(status, out);
    res.end(body);
  }

  /** An HTTP-level refusal: the status, and a JSON-RPC error without id as the body. */
  function refuse(res: ServerResponse, status: number, message: string, headers?: Record<string, string>, code: number = ErrorCode.InvalidRequest, id: string | number | null = null): void {
    sendJson(res, status, errorMessage(id, code, message), headers);
  }

  function accepted(res: ServerResponse): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(202, { 'Content-Length': 0 });
    res.end();
  }

  /** HttpErrors of the shared steps (auth 401, body 413/415/400, rate 429) → the same status, JSON-RPC body. */
  function refuseHttp(res: ServerResponse, error: unknown): void {
    if (!(error instanceof HttpError)) throw error;
    const code = error.type === 'invalid_json' ? ErrorCode.ParseError : error.status === 401 ? -32001 : ErrorCode.InvalidRequest;
    refuse(res, error.status, error.message, error.headers, code);
  }

  function header(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  // ---- entry ---------------------------------------------------------------------------------------------

  function handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path !== '/mcp' && path !== '/sse' && path !== '/messages') return false;
    // Host and Origin (DNS rebinding, cross-site pages) were checked before routing, for every route (guards.ts).
    const work = path === '/mcp' ? streamable(req, res) : path === '/sse' ? openSse(req, res) : postMessage(req, res);
    work.catch((error: unknown) => {
      logger?.error({ err: error }, 'unexpected error in the MCP face');
      if (!res.headersSent) refuse(res, 500, 'the adapter failed unexpectedly; the error was logged', undefined, ErrorCode.InternalError);
      else res.destroy();
    });
    return true;
  }

  async function admit(req: IncomingMessage, res: ServerResponse): Promise<Identity | undefined> {
    if (draining) {
      refuse(res, 503, 'the adapter is shutting down; retry in a moment', { 'Retry-After': '1' });
      return undefined;
    }
    try {
      return await authenticateRequest(req, authenticator, rateLimiter);
    } catch (error) {
      refuseHttp(res, error);
      return undefined;
    }
  }

  /** Reads one JSON-RPC message; answers the refusal itself and returns undefined when there is none. */
  async function readMessage(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown; bytes: number } | undefined> {
    let body;
    try {
      body = await readJsonBody(req, options.maxBodyBytes);
    } catch (error) {
      refuseHttp(res, error);
      return undefined;
    }
    if (body.value === undefined) {
      refuse(res, 400, 'Parse error: the body is empty; send one JSON-RPC message', undefined, ErrorCode.ParseError);
      return undefined;
    }
    if (Array.isArray(body.value)) {
      refuse(res, 400, 'JSON-RPC batches are not supported (protocol revision 2025-06-18 removed them): send one message per POST');
      return undefined;
    }
    return body;
  }

  // ---- Streamable HTTP -----------------------------------------------------------------------------------

  async function streamable(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method;
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
      refuse(res, 405, `Method not allowed: ${method} /mcp; use POST (GET and DELETE for sessions)`, { Allow: 'GET, POST, DELETE' });
      return;
    }
    const accept = header(req, 'accept') ?? '';
    const identity = await admit(req, res);
    if (!identity) return;
    if (method === 'GET') return openGetStream(req, res, identity, accept);
    if (method === 'DELETE') return deleteSession(req, res, identity);
    if (accept !== '' && !/application\/json|text\/event-stream|\*\/\*/i.test(accept)) {
      refuse(res, 406, 'Not Acceptable: the client must accept application/json and text/event-stream');
      return;
    }
    const body = await readMessage(req, res);
    if (!body) return;
    const incoming = classify(body.value);
    if (incoming.kind === 'invalid') return refuse(res, 400, `Invalid Request: ${incoming.message}`, undefined, ErrorCode.InvalidRequest, incoming.id);
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId, identity.key);
      if (!session || session.kind !== 'streamable') return refuse(res, 404, 'Session not found: it expired, was closed or belongs to another client; send initialize again', undefined, -32001);
      const version = header(req, 'mcp-protocol-version');
      if (version !== undefined && !LEGACY_VERSIONS.includes(version)) {
        return refuse(res, 400, `Bad Request: unsupported MCP-Protocol-Version "${version}" in a session (supported: ${LEGACY_VERSIONS.join(', ')})`);
      }
      session.touch();
      if (incoming.kind !== 'request') {
        if (incoming.kind === 'notification') onNotification(session, incoming.message.method, incoming.message.params);
        return accepted(res);
      }
      if (incoming.message.method === 'initialize') return refuse(res, 400, 'Invalid Request: this session is already initialized', undefined, ErrorCode.InvalidRequest, incoming.message.id);
      session.used = true;
      return answer(req, res, accept, identity, incoming.message, body.bytes, 'legacy', session);
    }
    if (incoming.kind === 'request' && incoming.message.method === 'initialize') return initialize(req, res, identity, incoming.message);
    const modern = (incoming.kind === 'request' && metaVersion(incoming.message.params) !== undefined) || header(req, 'mcp-protocol-version') === MODERN_VERSION;
    if (!modern) {
      return refuse(res, 400, 'Bad Request: Mcp-Session-Id header is required; send initialize first (or a 2026-07-28 request with its _meta)');
    }
    if (incoming.kind !== 'request') return accepted(res); // 2026-07-28 defines no client notifications over HTTP
    const request = incoming.message;
    try {
      const tool = request.method === 'tools/call' && typeof request.params.name === 'string' ? backend.tools().byName.get(request.params.name) : undefined;
      checkModernRequest(req.headers, request, tool?.entry.tool.inputSchema);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      return sendJson(res, error.httpStatus, errorMessage(request.id, error.code, error.message, error.data));
    }
    if (request.method === 'subscriptions/listen') return listen(res, request);
    return answer(req, res, accept, identity, request, body.bytes, 'modern');
  }

  function initialize(req: IncomingMessage, res: ServerResponse, identity: Identity, request: RpcRequest): void {
    const { result, version } = initializeResult(backend, request.params.protocolVersion);
    const session = sessions.open('streamable', identity.key, version);
    if (!session) return refuse(res, 503, `Too many sessions (${sessions.maxSessions}, all busy); retry in a moment`, { 'Retry-After': '5' }, ErrorCode.InternalError, request.id);
    session.clientInfo = isObject(request.params.clientInfo) ? request.params.clientInfo : undefined;
    logger?.debug({ session: session.id.slice(0, 8), protocolVersion: version, user: identity.kind === 'anonymous' ? undefined : identity.key }, 'mcp session opened');
    sendJson(res, 200, resultMessage(request.id, result), { 'Mcp-Session-Id': session.id });
  }

  function onNotification(session: FaceSession, method: string, params: Record<string, unknown>): void {
    if (method === 'notifications/initialized') session.initialized = true;
    else if (method === 'notifications/cancelled') {
      const key = idKey(params.requestId);
      const signal = key ? session.inflight.get(key) : undefined;
      signal?.abort(new Error(typeof params.reason === 'string' ? `cancelled by the client: ${params.reason}` : 'cancelled by the client'));
    }
  }

  /** Runs a request and writes its answer: JSON, or an SSE stream when progress can flow. */
  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    accept: string,
    identity: Identity,
    request: RpcRequest,
    bytesIn: number,
    era: 'legacy' | 'modern',
    session?: FaceSession,
  ): Promise<void> {
    const meta = request.params._meta;
    const token = isObject(meta) ? meta.progressToken : undefined;
    const streamed = request.method === 'tools/call' && (typeof token === 'string' || typeof token === 'number') && /text\/event-stream/i.test(accept);
    let stream: SseStream | undefined;
    if (streamed && ctx.limits.authorize) {
      // A caller without the tool's scope gets the plain 403 + challenge, before an event stream commits to 200.
      const tool = typeof request.params.name === 'string' ? backend.tools().byName.get(request.params.name) : undefined;
      try {
        if (tool) ctx.limits.authorize(identity, tool.entry.tool);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 403) throw error;
        return sendJson(res, 403, errorMessage(request.id, ErrorCode.InternalError, error.message, { type: error.type }), error.headers);
      }
    }
    if (streamed) {
      stream = new SseStream(res, { maxBufferedBytes, ...(session ? { headers: { 'Mcp-Session-Id': session.id } } : {}) });
    }
    const signal = new HangupSignal();
    const onClose = () => {
      if (!res.writableFinished) signal.abort(new Error('the client closed the connection'));
    };
    res.once('close', onClose);
    const key = session ? idKey(request.id) : undefined;
    if (session && key) session.inflight.set(key, signal);
    const progress = stream ? progressSender(token as string | number, (json) => stream!.send(json)) : undefined;
    const { message, status, headers } = await run(req, identity, request, bytesIn, era, session, signal, progress?.send);
    res.off('close', onClose);
    if (session && key && session.inflight.get(key) === signal) session.inflight.delete(key);
    if (stream) {
      if (progress?.sent) await nextTurn();
      stream.end(signal.aborted ? undefined : message);
    } else sendJson(res, status, message, headers);
  }

  /** Dispatches one request and logs it; resolves with the JSON-RPC answer (never rejects on RpcError). */
  async function run(
    req: IncomingMessage,
    identity: Identity,
    request: RpcRequest,
    bytesIn: number,
    era: 'legacy' | 'modern',
    session: FaceSession | undefined,
    signal: HangupSignal,
    onProgress?: (progress: CallProgress) => void,
  ): Promise<{ message: string; status: number; headers?: Record<string, string> }> {
    const started = performance.now();
    const outcome: CallOutcome = { status: 200, bytesOut: 0 };
    const scope: DispatchScope = { era, req, identity, signal: signal.asAbortSignal(), outcome, ...(session ? { session } : {}), ...(onProgress ? { onProgress } : {}) };
    let message: string;
    let status = 200;
    let headers: Record<string, string> | undefined;
    try {
      const result = await dispatch(ctx, scope, request);
      // A legacy tools/call result is what the cap serialised: reuse its JSON.
      message = era === 'legacy' && outcome.json !== undefined ? `{"jsonrpc":"2.0","id":${JSON.stringify(request.id)},"result":${outcome.json}}` : resultMessage(request.id, result);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      message = errorMessage(request.id, error.code, error.message, error.data);
      status = error.httpStatus;
      headers = error.headers;
    }
    // Cancelled (notifications/cancelled, or the client went away): whatever the upstream said is moot.
    if (signal.aborted) message = errorMessage(request.id, ErrorCode.InternalError, 'the request was cancelled', { type: 'cancelled' });
    if (logger && scope.tool !== undefined) logCall(scope, request, started, bytesIn, message.length, signal.aborted);
    return { message, status, ...(headers ? { headers } : {}) };
  }

  function logCall(scope: DispatchScope, request: RpcRequest, started: number, bytesIn: number, bytesOut: number, cancelled: boolean): void {
    const { outcome } = scope;
    const line: Record<string, unknown> = {
      reqId: randomUUID(),
      face: 'mcp',
      tool: scope.tool,
      status: cancelled ? 499 : outcome.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      bytesIn,
      bytesOut,
    };
    if (scope.identity.kind !== 'anonymous') line.user = scope.identity.key;
    if (cancelled) line.error = 'cancelled';
    else if (outcome.errorType) line.error = outcome.errorType;
    if (logArgs && isObject(request.params.arguments)) line.args = request.params.arguments;
    const serverSide = outcome.status >= 500 && !cancelled;
    if (serverSide && outcome.error instanceof Error) line.err = { message: outcome.error.message };
    if (serverSide) logger!.warn(line, 'call');
    else logger!.info(line, 'call');
  }

  /**
   * Forwards progress under the client's own token. `sent` tells the caller to let a turn pass before the final
   * answer: SDK clients handle a notification a microtask later than a response that arrives in the same read,
   * and drop a progress whose request has already been answered.
   */
  function progressSender(token: string | number, send: (json: string) => boolean): { send: (progress: CallProgress) => void; sent: boolean } {
    const sender = {
      sent: false,
      send: (progress: CallProgress) => {
        const params: Record<string, unknown> = { progressToken: token, progress: progress.progress };
        if (progress.total !== undefined) params.total = progress.total;
        if (progress.message !== undefined) params.message = progress.message;
        sender.sent = send(notificationMessage('notifications/progress', params)) || sender.sent;
      },
    };
    return sender;
  }

  function openGetStream(req: IncomingMessage, res: ServerResponse, identity: Identity, accept: string): void {
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId === undefined) {
      if (header(req, 'mcp-protocol-version') === MODERN_VERSION) {
        return refuse(res, 405, 'Method not allowed: protocol 2026-07-28 has no GET stream; use subscriptions/listen', { Allow: 'POST' });
      }
      return refuse(res, 400, 'Bad Request: Mcp-Session-Id header is required for the GET stream');
    }
    if (!/text\/event-stream|\*\/\*/i.test(accept)) return refuse(res, 406, 'Not Acceptable: the client must accept text/event-stream');
    const session = sessions.get(sessionId, identity.key);
    if (!session || session.kind !== 'streamable') return refuse(res, 404, 'Session not found: send initialize again', undefined, -32001);
    if (session.stream && !session.stream.closed) return refuse(res, 409, 'Conflict: this session already has a GET stream open');
    session.touch();
    const stream = new SseStream(res, { maxBufferedBytes, keepAliveMs, headers: { 'Mcp-Session-Id': session.id } });
    session.stream = stream;
    stream.onClose(() => {
      if (session.stream === stream) session.stream = undefined;
      session.touch();
    });
  }

  function deleteSession(req: IncomingMessage, res: ServerResponse, identity: Identity): void {
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId === undefined) return refuse(res, 400, 'Bad Request: Mcp-Session-Id header is required');
    const session = sessions.get(sessionId, identity.key);
    if (!session) return refuse(res, 404, 'Session not found', undefined, -32001);
    sessions.delete(session, 'the client ended the session');
    sendJson(res, 200, '');
  }

  function listen(res: ServerResponse, request: RpcRequest): void {
    if (listeners.size >= sessions.maxSessions) {
      return sendJson(res, 503, errorMessage(request.id, ErrorCode.InternalError, `Too many open subscriptions (${sessions.maxSessions}); retry later`), { 'Retry-After': '5' });
    }
    const filter = isObject(request.params.notifications) ? request.params.notifications : {};
    const pass = backend.passThrough();
    const l: Listener = {
      id: request.id,
      tools: filter.toolsListChanged === true,
      prompts: filter.promptsListChanged === true && pass?.prompts?.listChanged === true,
      resources: filter.resourcesListChanged === true && pass?.resources?.listChanged === true,
      stream: new SseStream(res, { maxBufferedBytes, keepAliveMs }),
    };
    const ack: Record<string, unknown> = {};
    if (l.tools) ack.toolsListChanged = true;
    if (l.prompts) ack.promptsListChanged = true;
    if (l.resources) ack.resourcesListChanged = true;
    l.stream.send(notificationMessage('notifications/subscriptions/acknowledged', { _meta: { [META_SUBSCRIPTION_ID]: request.id }, notifications: ack }));
    listeners.add(l);
    l.stream.onClose(() => listeners.delete(l));
  }

  // ---- the old HTTP+SSE transport ------------------------------------------------------------------------

  async function openSse(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') return refuse(res, 405, `Method not allowed: ${req.method} /sse; open the stream with GET`, { Allow: 'GET' });
    const identity = await admit(req, res);
    if (!identity) return;
    const session = sessions.open('sse', identity.key, '2024-11-05');
    if (!session) return refuse(res, 503, `Too many sessions (${sessions.maxSessions}, all busy); retry in a moment`, { 'Retry-After': '5' });
    const stream = new SseStream(res, { maxBufferedBytes, keepAliveMs });
    session.stream = stream;
    stream.onClose(() => sessions.delete(session, 'the SSE stream closed'));
    stream.event('endpoint', `${basePath}/messages?sessionId=${session.id}`);
  }

  async function postMessage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, `Method not allowed: ${req.method} /messages; send messages with POST`, { Allow: 'POST' });
    const identity = await admit(req, res);
    if (!identity) return;
    const url = req.url ?? '';
    const match = /[?&]sessionId=([^&]*)/.exec(url);
    if (!match) return refuse(res, 400, 'Bad Request: the sessionId query parameter is missing (open GET /sse first)');
    const session = sessions.get(decodeURIComponent(match[1]!), identity.key);
    if (!session || session.kind !== 'sse' || !session.stream || session.stream.closed) return refuse(res, 404, 'Session not found: open GET /sse again', undefined, -32001);
    const body = await readMessage(req, res);
    if (!body) return;
    const incoming = classify(body.value);
    if (incoming.kind === 'invalid') return refuse(res, 400, `Invalid Request: ${incoming.message}`, undefined, ErrorCode.InvalidRequest, incoming.id);
    session.touch();
    accepted(res);
    if (incoming.kind === 'notification') return onNotification(session, incoming.message.method, incoming.message.params);
    if (incoming.kind !== 'request') return;
    const request = incoming.message;
    const stream = session.stream;
    if (request.method === 'initialize') {
      const { result, version } = initializeResult(backend, request.params.protocolVersion);
      session.protocolVersion = version;
      stream.send(resultMessage(request.id, result));
      return;
    }
    session.used = true;
    const signal = new HangupSignal();
    const key = idKey(request.id);
    if (key) session.inflight.set(key, signal);
    const meta = request.params._meta;
    const token = isObject(meta) ? meta.progressToken : undefined;
    const progress = typeof token === 'string' || typeof token === 'number' ? progressSender(token, (json) => stream.send(json)) : undefined;
    const { message } = await run(req, identity, request, body.bytes, 'legacy', session, signal, progress?.send);
    if (key && session.inflight.get(key) === signal) session.inflight.delete(key);
    if (progress?.sent) await nextTurn();
    if (!signal.aborted) stream.send(message);
    if (draining && session.inflight.size === 0) sessions.delete(session, 'the adapter is shutting down');
  }

  return {
    handle,
    sessions,
    get listeners() {
      return listeners.size;
    },
    drain() {
      // New requests answer 503; calls already running finish (their answers still go out); streams that only
      // wait for notifications end now, so they do not hold the drain open.
      draining = true;
      for (const l of listeners) {
        l.stream.end(resultMessage(l.id, { resultType: 'complete', _meta: { [META_SUBSCRIPTION_ID]: l.id } }));
      }
      listeners.clear();
      for (const session of [...sessions.values()]) {
        if (session.kind === 'streamable') session.stream?.end();
        else if (session.inflight.size === 0) sessions.delete(session, 'the adapter is shutting down');
      }
    },
    async close() {
      unsubscribe();
      if (!draining) this.drain();
      sessions.closeAll('the adapter stopped');
    },
  };
}
