/**
 * Several servers behind one listener: `/{server}/…` goes to that server's own adapter (its tools, its
 * /openapi.json, /readyz, /docs), `/openapi.json` and `/openapi.yaml` are the combined spec. A server that
 * is not up yet (failed start, reconnecting before its first catalog) answers 503 + Retry-After on its
 * routes; the others are not affected. The combined spec follows every catalog change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SpecOptions } from '../openapi/build-spec.js';
import { serializeSpec } from '../openapi/serialize.js';
import { createAdapter, refuse, type Adapter, type AdapterOptions } from './app.js';
import { createAuthenticator } from './identity/static-auth.js';
import { combinedBackend } from './mcp-face/backend.js';
import { createMcpFace, type McpFace } from './mcp-face/face.js';
import { combineSpecs } from './combine-specs.js';
import { createRequestGuard } from './guards.js';
import { errorBody } from './http-error.js';
import { InflightLimiter, type InflightLimits } from './inflight.js';
import type { SupervisedUpstream } from './supervisor.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './app.js';
import { DEFAULT_MAX_RESPONSE_CHARS } from './map-result.js';
import { DEFAULT_MAX_BODY_BYTES } from './read-body.js';

export interface MultiServerOptions extends Omit<AdapterOptions, 'upstream' | 'specOptions'> {
  servers: { name: string; upstream: SupervisedUpstream }[];
  specOptions: Omit<SpecOptions, 'serverUrl'> & { serverUrl?: string };
  inflight?: InflightLimits;
  /** Called when the combined spec could not be rebuilt (the old one stays). */
  onSpecError?: (error: unknown) => void;
}

export interface MultiAdapter {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Adapters of the servers that have come up. */
  readonly adapters: ReadonlyMap<string, Adapter>;
  readonly json: string;
  readonly yaml: string;
  /** The combined MCP face (`/mcp`: every server's tools), unless the MCP face is off. */
  readonly mcp?: McpFace;
  /** Every MCP face (the combined one and each server's), for the drain on shutdown. */
  readonly faces: McpFace[];
  /** New public base URL: every server's spec and the combined one are rebuilt. */
  republish(serverUrl: string): void;
  dispose(): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function createMultiAdapter(options: MultiServerOptions): MultiAdapter {
  const { servers, specOptions, inflight, onSpecError, ...adapterOptions } = options;
  const byName = new Map(servers.map((s) => [s.name, s]));
  const adapters = new Map<string, Adapter>();
  let base = (specOptions.serverUrl ?? 'http://127.0.0.1').replace(/\/+$/, '');
  let json = '{}';
  let yaml = '{}\n';
  const profile = specOptions.profile ?? 'gpt-actions';
  const makeGuard = (serverUrl: string | undefined) => createRequestGuard({ allowedHosts: adapterOptions.allowedHosts, cors: adapterOptions.cors, publicUrl: serverUrl });
  let guard = makeGuard(specOptions.serverUrl);

  const rebuild = () => {
    try {
      const parts = servers.filter((s) => adapters.has(s.name)).map((s) => ({ name: s.name, spec: adapters.get(s.name)!.published.spec }));
      const spec = combineSpecs(parts, { serverUrl: base, profile });
      json = serializeSpec(spec, 'json');
      yaml = serializeSpec(spec, 'yaml');
    } catch (error) {
      onSpecError?.(error);
    }
  };
  const limiters = new Map(servers.map((s) => [s.name, new InflightLimiter(s.upstream, inflight)]));
  const mcpSettings = adapterOptions.mcp;
  const combined =
    mcpSettings === false
      ? undefined
      : combinedBackend(
          servers.map((s) => ({
            name: s.name,
            caller: limiters.get(s.name)!,
            get ready() {
              return s.upstream.ready;
            },
            current: () => {
              const adapter = adapters.get(s.name);
              return adapter ? { catalog: s.upstream.catalog, routes: adapter.published.routes } : undefined;
            },
          })),
        );
  const authenticator = adapterOptions.authenticator ?? createAuthenticator(adapterOptions.auth ?? { type: 'none' });
  const mcp = combined
    ? createMcpFace({
        backend: combined,
        authenticator,
        ...(adapterOptions.rateLimiter ? { rateLimiter: adapterOptions.rateLimiter } : {}),
        ...(adapterOptions.logger ? { logger: adapterOptions.logger } : {}),
        logArgs: adapterOptions.logArgs ?? false,
        callTimeoutMs: adapterOptions.limits?.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
        maxResponseChars: adapterOptions.limits?.maxResponseChars ?? DEFAULT_MAX_RESPONSE_CHARS,
        maxBodyBytes: adapterOptions.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        ...(mcpSettings && mcpSettings.sessions ? { sessions: mcpSettings.sessions } : {}),
      })
    : undefined;
  const bring = (name: string, upstream: SupervisedUpstream) => {
    if (adapters.has(name) || !upstream.hasCatalog) return;
    const adapter = createAdapter({
      ...adapterOptions,
      authenticator,
      // Checked once, here, for every route (the servers' own included).
      guardRequests: false,
      upstream: limiters.get(name)!,
      specOptions: { ...specOptions, serverUrl: `${base}/${name}` },
      ...(mcpSettings === false ? {} : { mcp: { ...mcpSettings, basePath: `/${name}` } }),
    });
    adapters.set(name, adapter);
    rebuild();
    combined?.toolsChanged();
  };
  const listeners: (() => void)[] = [];
  for (const { name, upstream } of servers) {
    const onState = () => bring(name, upstream);
    // Registered after the adapter's own 'catalog' listener, so its spec is already rebuilt.
    const onCatalog = () =>
      setImmediate(() => {
        rebuild();
        combined?.toolsChanged();
      });
    upstream.on('state', onState);
    upstream.on('catalog', onCatalog);
    listeners.push(() => {
      upstream.off('state', onState);
      upstream.off('catalog', onCatalog);
    });
    bring(name, upstream);
  }
  rebuild();

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const refused = guard.check(req.method, req.headers);
    if (refused) return refuse(req, res, refused, adapterOptions.logger);
    const url = req.url ?? '/';
    const slash = url.indexOf('/', 1);
    const q = url.indexOf('?');
    const end = slash < 0 ? (q < 0 ? url.length : q) : q >= 0 && q < slash ? q : slash;
    const first = url.slice(1, end);
    const server = byName.get(first);
    if (server) {
      const adapter = adapters.get(first);
      if (!adapter || !server.upstream.ready) {
        // The spec stays readable, and MCP sessions outlive a respawn (their calls fail with a JSON-RPC error meanwhile).
        if (adapter && /^\/(?:openapi\.|mcp(?:$|\?)|sse(?:$|\?)|messages(?:$|\?))/.test(url.slice(end))) return adapter.handler(Object.assign(req, { url: url.slice(end) }), res);
        const after = String(server.upstream.retryAfterSeconds());
        return send(res, 503, errorBody('upstream_unavailable', `the MCP server "${first}" is not available (${server.upstream.state}); retry in ${after} s`), { 'Retry-After': after });
      }
      req.url = url.slice(end) || '/';
      return adapter.handler(req, res);
    }
    const path = q < 0 ? url : url.slice(0, q);
    if (mcp?.handle(req, res, path)) return;
    if (path.startsWith('/jobs/')) {
      // Every server's adapter shares one job runner: any of them reads (or cancels) the job.
      const any = adapters.values().next().value;
      if (any?.jobs) return any.handler(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && ['/openapi.json', '/openapi.yaml', '/healthz', '/readyz'].includes(path)) {
      return send(res, 405, errorBody('method_not_allowed', `${req.method} is not allowed on ${path}; use GET`), { Allow: 'GET' });
    }
    if (path === '/openapi.json') return raw(res, JSON_TYPE, json);
    if (path === '/openapi.yaml') return raw(res, 'application/yaml; charset=utf-8', yaml);
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/docs' || path.startsWith('/docs/')) {
      // Swagger UI (same assets for every adapter) pointed at /openapi.json: the combined spec.
      const any = adapters.values().next().value;
      if (any) return any.handler(req, res);
    }
    if (path === '/readyz') {
      const states = Object.fromEntries(servers.map((s) => [s.name, s.upstream.ready ? 'ready' : s.upstream.state]));
      const ready = servers.every((s) => s.upstream.ready);
      const redis = adapterOptions.redis?.();
      const shared = redis ? { redis } : {};
      return send(
        res,
        ready ? 200 : 503,
        ready ? { status: redis === 'down' ? 'degraded' : 'ready', servers: states, ...shared } : { ...errorBody('upstream_unavailable', 'not every MCP server is connected'), servers: states, ...shared },
      );
    }
    send(res, 404, errorBody('not_found', `no route ${req.method} ${path}; the servers are ${servers.map((s) => `/${s.name}`).join(', ')}, the operations are listed at /openapi.json`));
  };

  return {
    handler,
    adapters,
    ...(mcp ? { mcp } : {}),
    get faces() {
      return [...(mcp ? [mcp] : []), ...[...adapters.values()].flatMap((a) => (a.mcp ? [a.mcp] : []))];
    },
    get json() {
      return json;
    },
    get yaml() {
      return yaml;
    },
    republish(serverUrl) {
      base = serverUrl.replace(/\/+$/, '');
      guard = makeGuard(base);
      for (const [name, adapter] of adapters) adapter.republish({ serverUrl: `${base}/${name}` });
      rebuild();
    },
    dispose() {
      for (const off of listeners) off();
      for (const adapter of adapters.values()) adapter.dispose();
      void mcp?.close();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

function raw(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
}
