/**
 * createAdapter: the express 5 app that makes the spec real. Routes come from the generator's operation
 * bindings (path segment = operationId, looked up in a Map); /openapi.json and /openapi.yaml are the
 * generator's serialised bytes; every error is `{ error: { type, message, details? } }`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { ToolCatalog } from '../mcp/catalog.js';
import type { SpecOptions } from '../openapi/build-spec.js';
import { docsRouter } from './docs.js';
import { createRequestGuard, type RequestGuard } from './guards.js';
import { HangupSignal } from './hangup-signal.js';
import { HttpError, errorBody, typeForStatus } from './http-error.js';
import type { Authenticator, Identity } from './identity/identity.js';
import { createAuthenticator, type AdapterAuth } from './identity/static-auth.js';
import { describeCall, errorResponse, invokeTool, prepareCall, runCall, type Invocation, type InvokeContext } from './invoke.js';
import { jobBody, type JobRunner } from './jobs/job-runner.js';
import { authenticateRequest } from './pipeline/admit.js';
import { MemoryFileStore, type FileStore } from './store/file-store.js';
import { StoreUnavailableError } from './store/job-store.js';
import { requiresTask } from '../mcp/catalog.js';
import { DEFAULT_MAX_RESPONSE_CHARS, type MappedResponse } from './map-result.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './read-body.js';
import type { RateLimiter } from './rate-limit.js';
import { singleBackend } from './mcp-face/backend.js';
import { createMcpFace, type McpFace } from './mcp-face/face.js';
import type { SessionLimits } from './mcp-face/sessions.js';
import { publishSpec, type PublishedSpec } from './spec-source.js';
import type { ToolCaller } from './upstream.js';
import { createValidatorFactory } from './validate-args.js';

export const DEFAULT_CALL_TIMEOUT_MS = 40_000;
/** Used before listen() knows the real address when no server URL was given. */
const PLACEHOLDER_URL = 'http://127.0.0.1';

export interface AdapterLimits {
  /** Budget of one tools/call (default 40 000 ms, under ChatGPT's 45 s). */
  callTimeoutMs?: number;
  /** Longest serialised response body (default 100 000, ChatGPT's limit). */
  maxResponseChars?: number;
  /** Largest request body (default 100 000 bytes). */
  maxBodyBytes?: number;
}

export interface AdapterOptions {
  upstream: ToolCaller;
  /** As for `generate openapi`; `serverUrl` may be empty until the server listens. */
  specOptions: Omit<SpecOptions, 'serverUrl'> & { serverUrl?: string };
  auth?: AdapterAuth;
  /** Resolves who is calling; default: the one built from `auth` (static secret, or none). */
  authenticator?: Authenticator;
  /** Origins allowed to call from a browser; none = CORS off (and a request with any other Origin is 403). */
  cors?: string[];
  /** Host names accepted besides loopback names, IP literals and the public URL's host (`--allowed-host`). */
  allowedHosts?: string[];
  /**
   * Check Host, Origin and the POST content type before routing (guards.ts). Default true; off only when
   * whatever calls `handler` has checked them already (the multi-server front).
   */
  guardRequests?: boolean;
  limits?: AdapterLimits;
  /** One line per call goes here (pino); none = silent. */
  logger?: Logger;
  /** Log each call's arguments (off by default: they may hold personal data). */
  logArgs?: boolean;
  /** Per-client call budget (--rate-limit); none = unlimited. */
  rateLimiter?: RateLimiter;
  /**
   * Long-running calls: past the runner's asyncAfterMs (at once for task-required tools) a call answers 202 and
   * becomes a job, read with GET /jobs/{id}. None = every call keeps its request until callTimeoutMs (then 504).
   */
  jobs?: JobRunner;
  /**
   * Where files too large to send inline wait for ChatGPT to download them (GPT profile, files not 'none');
   * default: in memory, 10 minutes, 128 MiB in all.
   */
  fileStore?: FileStore;
  /** The MCP face (/mcp, /sse, /messages): on unless false. */
  mcp?: false | McpFaceSettings;
  /** More for the body of a ready /readyz (e.g. the users of `--per-user`); never a secret. */
  readiness?: () => Record<string, unknown>;
  /**
   * With `--redis`: whether Redis answers. /readyz reports it (`"redis": "down"`, status "degraded") but stays 200:
   * every replica shares the one Redis, so failing readiness would take them all out of the load balancer at
   * once, while most routes still work without it.
   */
  redis?: () => 'up' | 'down';
}

export interface McpFaceSettings {
  sessions?: SessionLimits;
  /** Path this adapter is mounted under (`/{server}` when serving several). */
  basePath?: string;
}

export interface Adapter {
  /** The express app: every route, including the tool calls. */
  app: Express;
  /**
   * The request listener to serve: tool calls (POST /tools/…) go straight to the call handler, everything
   * else to `app`. Same answers as `app`, minus express's per-request setup on the hot path.
   */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The spec, routes and bytes currently published. */
  readonly published: PublishedSpec;
  /** Rebuilds spec and routes (new server URL, or a changed catalog). Throws like buildSpec. */
  republish(change?: { serverUrl?: string; catalog?: ToolCatalog }): void;
  /** The MCP face, unless turned off. */
  readonly mcp?: McpFace;
  /** Stops following the upstream's catalog changes; ends the MCP face's sessions. */
  dispose(): void;
  /** The job runner, when calls may become jobs (the CLI stops it before closing the upstream). */
  readonly jobs?: JobRunner;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** Seconds a caller is told to wait when the shared store (Redis) does not answer. */
const STORE_RETRY_AFTER_S = '2';

/** A refusal because the shared store (Redis) is away: logged once per outage, not per call. */
function isStoreOutage(error: Error): boolean {
  return error instanceof StoreUnavailableError || (error instanceof HttpError && error.cause instanceof StoreUnavailableError);
}

export function createAdapter(options: AdapterOptions): Adapter {
  const { upstream, logger, logArgs = false, rateLimiter, jobs } = options;
  const callTimeoutMs = options.limits?.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const maxResponseChars = options.limits?.maxResponseChars ?? DEFAULT_MAX_RESPONSE_CHARS;
  const maxBodyBytes = options.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const authenticator: Authenticator = options.authenticator ?? createAuthenticator(options.auth ?? { type: 'none' });
  // The spec documents jobs (202, get_job) exactly when this adapter runs them.
  let specOptions: SpecOptions = { ...options.specOptions, jobs: jobs !== undefined, serverUrl: options.specOptions.serverUrl || PLACEHOLDER_URL };
  let catalog = upstream.catalog;
  // One ajv instance per publication: its cache holds that catalog's schemas only, and goes with it.
  let published = publishSpec(catalog, specOptions, createValidatorFactory());
  // Files out only where the spec promises them: the GPT profile, unless --files none.
  const filesOn = (specOptions.profile ?? 'gpt-actions') === 'gpt-actions' && specOptions.files !== 'none';
  const fileStore = filesOn ? (options.fileStore ?? new MemoryFileStore()) : undefined;
  const fileOutput = () => (fileStore ? { files: { store: fileStore, baseUrl: specOptions.serverUrl } } : {});
  let ctx: InvokeContext = { upstream, routes: published.routes, callTimeoutMs, maxResponseChars, ...fileOutput() };
  const guardOn = options.guardRequests !== false;
  // The public URL is the user's (a placeholder or the local address is loopback or an IP literal anyway).
  const makeGuard = (serverUrl: string | undefined) => createRequestGuard({ allowedHosts: options.allowedHosts, cors: options.cors, publicUrl: serverUrl });
  let guard: RequestGuard = makeGuard(options.specOptions.serverUrl);

  const republish = (change: { serverUrl?: string; catalog?: ToolCatalog } = {}) => {
    const nextOptions = change.serverUrl ? { ...specOptions, serverUrl: change.serverUrl } : specOptions;
    const nextCatalog = change.catalog ?? catalog;
    // Only the server URL changed: same operations, same validators (compiling is the slow part).
    const next = publishSpec(nextCatalog, nextOptions, createValidatorFactory(), change.catalog ? undefined : published.routes);
    specOptions = nextOptions;
    catalog = nextCatalog;
    published = next;
    ctx = { upstream, routes: next.routes, callTimeoutMs, maxResponseChars, ...fileOutput() };
    if (change.serverUrl) guard = makeGuard(change.serverUrl);
  };
  const backend = options.mcp === false ? undefined : singleBackend({ upstream, current: () => ({ catalog, routes: published.routes }) });
  const onCatalog = (next: ToolCatalog) => {
    try {
      republish({ catalog: next });
      backend?.toolsChanged();
      logger?.info({ tools: next.tools.length }, 'tool list changed: routes and spec rebuilt');
    } catch (error) {
      logger?.warn({ err: error }, 'tool list changed but the new spec could not be built; keeping the old one');
    }
  };
  upstream.on?.('catalog', onCatalog);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', false);

  if (options.cors?.length) app.use(corsMiddleware(options.cors, options.auth));

  // The hot path first: fewer layers to walk per call.
  // A RegExp, not '/tools/:id': the handler reads the raw path, so nothing is decoded (%2F stays %2F).
  app.all(/^\/tools\/[^/]+$/, (req: Request, res: Response) => callSafely(req, res));
  const corsOn = (options.cors?.length ?? 0) > 0;
  const mcp = backend
    ? createMcpFace({
        backend,
        authenticator,
        ...(rateLimiter ? { rateLimiter } : {}),
        ...(logger ? { logger } : {}),
        logArgs,
        callTimeoutMs,
        maxResponseChars,
        maxBodyBytes,
        ...(options.mcp && options.mcp.sessions ? { sessions: options.mcp.sessions } : {}),
        ...(options.mcp && options.mcp.basePath ? { basePath: options.mcp.basePath } : {}),
      })
    : undefined;
  if (mcp) app.all(['/mcp', '/sse', '/messages'], (req: Request, res: Response) => void mcp.handle(req, res, req.path));
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (guardOn) {
      const refused = guard.check(req.method, req.headers);
      if (refused) return refuse(req, res, refused, logger);
    }
    const url = req.url ?? '';
    if (!(corsOn && req.headers.origin)) {
      if (req.method === 'POST' && url.startsWith('/tools/')) {
        callSafely(req, res);
        return;
      }
      if (mcp) {
        const q = url.indexOf('?');
        if (mcp.handle(req, res, q < 0 ? url : url.slice(0, q))) return;
      }
    }
    app(req as Request, res as Response);
  };

  if (jobs) app.all(/^\/jobs\/[^/]+$/, (req: Request, res: Response) => {
    handleJob(req, res).catch((error: unknown) => {
      logger?.error({ err: error }, 'unexpected error in the job handler');
      if (!res.headersSent) sendJson(res, 500, JSON.stringify(errorBody('internal_error', 'the adapter failed unexpectedly; the error was logged')));
      else res.destroy();
    });
  });
  if (fileStore) app.get(/^\/files\/[^/]+$/, (req: Request, res: Response) => {
    sendFile(fileStore, req.path.slice('/files/'.length), res).catch((error: unknown) => {
      logger?.error({ err: error }, 'unexpected error serving a file');
      if (!res.headersSent) sendJson(res, 500, JSON.stringify(errorBody('internal_error', 'the adapter failed unexpectedly; the error was logged')));
      else res.destroy();
    });
  });
  app.get('/healthz', (_req, res) => sendJson(res, 200, '{"status":"ok"}'));
  app.get('/readyz', (_req, res) => {
    const redis = options.redis?.();
    const shared = redis ? { redis } : {};
    if (upstream.ready) sendJson(res, 200, JSON.stringify({ status: redis === 'down' ? 'degraded' : 'ready', tools: catalog.tools.length, ...shared, ...options.readiness?.() }));
    else sendJson(res, 503, JSON.stringify({ ...errorBody('upstream_unavailable', 'the MCP server is not connected'), ...shared }), { 'Retry-After': '1' });
  });
  app.get('/openapi.json', (_req, res) => sendRaw(res, 'application/json; charset=utf-8', published.json));
  app.get('/openapi.yaml', (_req, res) => sendRaw(res, 'application/yaml; charset=utf-8', published.yaml));
  app.use(docsRouter());
  app.use((req: Request, res: Response) => {
    const known = ['/healthz', '/readyz', '/openapi.json', '/openapi.yaml', '/docs'].includes(req.path);
    const status = known ? 405 : 404;
    const body = known
      ? errorBody('method_not_allowed', `${req.method} is not allowed on ${req.path}; use GET`)
      : errorBody('not_found', `no route ${req.method} ${req.path}; the operations are listed at /openapi.json`);
    sendJson(res, status, JSON.stringify(body), known ? { Allow: 'GET' } : undefined);
  });
  app.use(finalErrorHandler(logger));

  /** handleCall answers every outcome itself; this only guards against a bug in that path (e.g. the logger). */
  function callSafely(req: IncomingMessage, res: ServerResponse): void {
    handleCall(req, res).catch((error: unknown) => {
      logger?.error({ err: error }, 'unexpected error in the call handler');
      if (!res.headersSent) sendJson(res, 500, JSON.stringify(errorBody('internal_error', 'the adapter failed unexpectedly; the error was logged')));
      else res.destroy();
    });
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const id = randomUUID();
    const rawUrl = req.url ?? '';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const current = ctx;
    const route = current.routes.byPath.get(path);
    let bytesIn = 0;
    let tool = route?.entry?.tool.name;
    let args: unknown;
    let response: MappedResponse & { headers?: Record<string, string> };
    let failure: unknown;
    let hungUp = false;
    let identity: Identity | undefined;
    try {
      if (!route) throw new HttpError(404, 'not_found', `no tool at ${path}; the operations are listed at /openapi.json`);
      if (req.method !== 'POST') {
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; call tools with POST and a JSON body`, {
          headers: { Allow: 'POST' },
        });
      }
      identity = await authenticateRequest(req, authenticator, rateLimiter);
      if (rateLimiter) await rateLimiter.take(req, identity);
      const body = await readJsonBody(req, maxBodyBytes);
      bytesIn = body.bytes;
      args = body.value;
      const hangup = new HangupSignal();
      const onClose = () => {
        if (!res.writableFinished) hangup.abort(new Error('the HTTP client closed the connection'));
      };
      res.once('close', onClose);
      let invocation: Invocation;
      // describe_tool reads the catalog: never a job, never an upstream call
      if (route.kind === 'describe') invocation = describeCall(current, route, body.value);
      else if (jobs) {
        const prepared = prepareCall(current, route, body.value);
        const who = identity;
        tool = prepared.entry.tool.name;
        const started = await jobs.start(
          (c) => runCall(current, prepared, { signal: c.signal, identity: who, timeoutMs: c.timeoutMs, onProgress: c.onProgress, onStatus: c.onStatus }),
          { owner: identity.key, tool, immediate: requiresTask(prepared.entry.tool), hangup: hangup.asAbortSignal() },
        );
        if (started.kind === 'answer') invocation = started.invocation;
        else {
          const json = JSON.stringify(jobBody(started.job));
          const location = `${specOptions.serverUrl.replace(/\/+$/, '')}/jobs/${started.job.id}`;
          invocation = { tool, response: { status: 202, body: JSON.parse(json), json, headers: { Location: location, 'Retry-After': String(started.job.pollAfterS) } } };
        }
      } else invocation = await invokeTool(current, route, body.value, { signal: hangup.asAbortSignal(), identity });
      res.off('close', onClose);
      hungUp = hangup.aborted;
      tool = invocation.tool ?? tool;
      response = invocation.response;
      failure = invocation.error;
    } catch (error) {
      const http = error instanceof HttpError ? error : new HttpError(500, 'internal_error', 'the adapter failed unexpectedly; the error was logged', { cause: error });
      response = errorResponse(http);
      failure = error;
    }
    const bytesOut = Buffer.byteLength(response.json);
    if (!res.headersSent && !res.destroyed) sendJson(res, response.status, response.json, response.headers, id, bytesOut);
    if (logger) {
      const line: Record<string, unknown> = {
        reqId: id,
        tool: tool ?? null,
        // 499 (nginx's "client closed request"): nothing was sent, the call was cancelled upstream.
        status: hungUp ? 499 : response.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        bytesIn,
        bytesOut,
      };
      // identity.key is a digest: a log line never holds a credential or a raw subject.
      if (identity && identity.kind !== 'anonymous') line.user = identity.key;
      if (hungUp) line.error = 'client_closed';
      else if (response.status >= 400) line.error = (response.body as { error?: { type?: string } }).error?.type;
      if (logArgs && args !== undefined) line.args = args;
      const serverSide = response.status >= 500 && !hungUp;
      // Redis being away is logged once when it goes (serve-state.ts), not with every call it refuses.
      if (serverSide && failure instanceof Error && !isStoreOutage(failure)) line.err = { message: failure.message, stack: failure.stack };
      if (serverSide) logger.warn(line, 'call');
      else logger.info(line, 'call');
    }
  }

  /** GET /jobs/{id}: the job's state, or the answer it ended with; DELETE cancels it. Only for its owner. */
  async function handleJob(req: Request, res: Response): Promise<void> {
    const runner = jobs!;
    const started = performance.now();
    const id = req.path.slice('/jobs/'.length);
    let identity: Identity | undefined;
    let status = 500;
    try {
      if (req.method !== 'GET' && req.method !== 'DELETE') {
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on /jobs/{id}; read a job with GET, cancel it with DELETE`, { headers: { Allow: 'GET, DELETE' } });
      }
      identity = await authenticateRequest(req, authenticator, rateLimiter);
      if (rateLimiter) await rateLimiter.take(req, identity);
      const unknown = () => new HttpError(404, 'not_found', `no job "${id.slice(0, 64)}": it is unknown, expired, or was started by another caller`);
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw unknown();
      let job = await runner.read(id);
      // Another caller's job answers exactly like an unknown one: nothing tells that it exists.
      if (!job || job.owner !== identity.key) throw unknown();
      if (req.method === 'DELETE') {
        await runner.cancel(id);
        status = 200;
        sendJson(res, 200, JSON.stringify({ job: { id, status: 'cancelled' } }));
        return;
      }
      if (job.state === 'working') {
        // Long poll: a job running here may end while we wait, and the caller gets its answer at once.
        await runner.settle(id, Math.min(runner.asyncAfterMs, callTimeoutMs));
        job = (await runner.read(id)) ?? job;
      }
      if (job.state === 'done' && job.response) {
        status = job.response.status;
        sendJson(res, job.response.status, job.response.json, job.response.headers);
      } else {
        status = 202;
        sendJson(res, 202, JSON.stringify(jobBody(job)), { 'Retry-After': String(job.pollAfterS) });
      }
    } catch (error) {
      const http =
        error instanceof HttpError
          ? error
          : error instanceof StoreUnavailableError
            ? new HttpError(503, 'upstream_unavailable', `the shared job store (Redis) is not reachable; retry in ${STORE_RETRY_AFTER_S} s`, {
                headers: { 'Retry-After': STORE_RETRY_AFTER_S },
                cause: error,
              })
            : new HttpError(500, 'internal_error', 'the adapter failed unexpectedly; the error was logged', { cause: error });
      const r = http.toResponse();
      status = r.status;
      if (status >= 500 && !isStoreOutage(http)) logger?.warn({ err: error }, 'job read failed');
      if (!res.headersSent) sendJson(res, r.status, JSON.stringify(r.body), r.headers);
    }
    if (logger) {
      const line: Record<string, unknown> = { job: id.slice(0, 64), method: req.method, status, ms: Math.round((performance.now() - started) * 100) / 100 };
      if (identity && identity.kind !== 'anonymous') line.user = identity.key;
      logger.info(line, 'job');
    }
  }

  return {
    jobs,
    app,
    handler,
    get published() {
      return published;
    },
    republish,
    ...(mcp ? { mcp } : {}),
    dispose: () => {
      upstream.off?.('catalog', onCatalog);
      backend?.dispose();
      void mcp?.close();
      if (fileStore && !options.fileStore) void fileStore.close();
    },
  };
}

function sendJson(res: ServerResponse, status: number, json: string, headers?: Record<string, string>, requestId?: string, length?: number): void {
  const out: Record<string, string | number> = { 'Content-Type': JSON_TYPE, 'Content-Length': length ?? Buffer.byteLength(json), 'Cache-Control': 'no-store' };
  if (requestId) out['X-Request-Id'] = requestId;
  if (headers) Object.assign(out, headers);
  res.writeHead(status, out);
  res.end(json);
}

/**
 * GET /files/{id}: one file of one call, by its unguessable id, until it expires. No credentials (ChatGPT fetches
 * the URL without the action's auth): the id is the capability. Served as an attachment that the browser may not
 * sniff or run (a text/html file must never execute on the adapter's origin).
 */
async function sendFile(store: FileStore, id: string, res: ServerResponse): Promise<void> {
  const file = /^[A-Za-z0-9_-]{16,64}$/.test(id) ? await store.get(id) : undefined;
  if (!file) {
    sendJson(res, 404, JSON.stringify(errorBody('not_found', 'no such file: unknown or expired (download links last a few minutes)')));
    return;
  }
  const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.writeHead(200, {
    'Content-Type': file.mimeType,
    'Content-Length': file.bytes.length,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  res.end(file.bytes);
}

/** Answers a request the guards refused, before anything ran; drains what the client sends meanwhile. */
export function refuse(req: IncomingMessage, res: ServerResponse, error: HttpError, logger?: Logger): void {
  logger?.info({ status: error.status, error: error.type, method: req.method, path: (req.url ?? '').split('?')[0]!.slice(0, 200) }, 'refused');
  const r = error.toResponse();
  req.resume();
  sendJson(res, r.status, JSON.stringify(r.body), r.headers);
}

function sendRaw(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
}

/** Last handler: whatever reached here becomes the JSON error shape; never HTML, never a stack trace. */
function finalErrorHandler(logger?: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let http: HttpError;
    if (error instanceof HttpError) http = error;
    else {
      const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        http = new HttpError(status, typeForStatus(status), `the request could not be handled (${(error as Error).message ?? 'bad request'})`);
      } else {
        logger?.error({ err: error, path: req.path }, 'unexpected error');
        http = new HttpError(500, 'internal_error', 'the adapter failed unexpectedly; the error was logged');
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const r = http.toResponse();
    sendJson(res, r.status, JSON.stringify(r.body), r.headers);
  };
}

/** CORS for the listed origins only; preflights answered here. */
function corsMiddleware(origins: string[], auth: AdapterAuth | undefined) {
  const allowed = new Set(origins.map((o) => o.replace(/\/+$/, '')));
  const anyOrigin = allowed.has('*');
  // The MCP face's headers too (Mcp-Param-* names come from tool schemas: requested ones are echoed below).
  const headers = ['Content-Type', 'Authorization', 'Accept', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID'];
  if (auth?.type === 'api-key') headers.push(auth.header);
  const allowHeaders = headers.join(', ');
  return (req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (!origin || (!anyOrigin && !allowed.has(origin))) return next();
    res.setHeader('Access-Control-Allow-Origin', anyOrigin ? '*' : origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, WWW-Authenticate, Retry-After');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => /^mcp-param-[a-z0-9_-]+$/i.test(h));
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': requested.length ? `${allowHeaders}, ${requested.join(', ')}` : allowHeaders,
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    next();
  };
}
