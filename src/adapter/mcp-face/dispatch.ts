/**
 * The methods of the MCP face, for both eras. A legacy request runs inside a session (after `initialize`); a
 * 2026-07-28 request stands alone and its result carries `resultType`, the server's identity in `_meta` and,
 * for cacheable results, `ttlMs` and `cacheScope`.
 */
import type { IncomingMessage } from 'node:http';
import type { Identity } from '../identity/identity.js';
import type { CallProgress } from '../upstream.js';
import type { FaceBackend } from './backend.js';
import { callArguments, callFaceTool, passRequest, type CallLimits, type CallOutcome } from './call.js';
import {
  ErrorCode,
  isObject,
  LEGACY_VERSIONS,
  META_SERVER_INFO,
  MODERN_VERSION,
  RpcError,
  SUPPORTED_VERSIONS,
  type RpcRequest,
} from './protocol.js';
import type { FaceSession } from './sessions.js';

/** Freshness hint of list results (2026-07-28 caching); list changes are also notified. */
export const LIST_TTL_MS = 60_000;

export interface DispatchScope {
  era: 'legacy' | 'modern';
  session?: FaceSession;
  req: IncomingMessage;
  identity: Identity;
  signal: AbortSignal;
  /** Present when the answer is a stream: progress goes there. */
  onProgress?: (progress: CallProgress) => void;
  outcome: CallOutcome;
  /** Set for tools/call (the log line names it). */
  tool?: string;
}

export interface DispatchContext {
  backend: FaceBackend;
  limits: CallLimits;
  /** "private" when callers authenticate (lists are then not for shared caches), else "public". */
  cacheScope: 'public' | 'private';
}

export function serverCapabilities(backend: FaceBackend): Record<string, unknown> {
  const pass = backend.passThrough();
  const caps: Record<string, unknown> = { tools: { listChanged: true } };
  if (pass?.resources) caps.resources = pass.resources;
  if (pass?.prompts) caps.prompts = pass.prompts;
  if (pass?.completions) caps.completions = {};
  return caps;
}

function serverInfo(backend: FaceBackend): Record<string, unknown> {
  const { name, version, title } = backend.server();
  return title ? { name, title, version } : { name, version };
}

const PASS_METHODS: Record<string, 'resources' | 'prompts' | 'completions'> = {
  'resources/list': 'resources',
  'resources/templates/list': 'resources',
  'resources/read': 'resources',
  'prompts/list': 'prompts',
  'prompts/get': 'prompts',
  'completion/complete': 'completions',
};
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover']);

/** Runs one request; resolves with its result object, rejects with an RpcError (or a bug). */
export async function dispatch(ctx: DispatchContext, scope: DispatchScope, request: RpcRequest): Promise<Record<string, unknown>> {
  const result = await run(ctx, scope, request);
  if (scope.era === 'legacy') return result;
  // 2026-07-28: every result says it is complete and who answered; cacheable ones carry hints.
  const meta = isObject(result._meta) ? { ...result._meta, [META_SERVER_INFO]: serverInfo(ctx.backend) } : { [META_SERVER_INFO]: serverInfo(ctx.backend) };
  const out: Record<string, unknown> = { resultType: 'complete', ...result, _meta: meta };
  if (CACHEABLE.has(request.method)) {
    out.ttlMs = request.method === 'resources/read' ? 0 : LIST_TTL_MS;
    out.cacheScope = ctx.cacheScope;
  }
  return out;
}

async function run(ctx: DispatchContext, scope: DispatchScope, request: RpcRequest): Promise<Record<string, unknown>> {
  const { backend } = ctx;
  const { method, params } = request;
  switch (method) {
    case 'tools/call': {
      const name = params.name;
      if (typeof name !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'tools/call needs a "name" (string)');
      scope.tool = name;
      const tool = backend.tools().byName.get(name);
      if (!tool) {
        scope.outcome.status = 404;
        scope.outcome.errorType = 'not_found';
        throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}; tools/list names the tools`);
      }
      const args = callArguments(params);
      return (await callFaceTool(tool, args, ctx.limits, scope, scope.outcome)) as Record<string, unknown>;
    }
    case 'tools/list':
      if (params.cursor !== undefined) throw new RpcError(ErrorCode.InvalidParams, 'unknown cursor: tools/list answers every tool in one page');
      return { tools: backend.tools().listed };
    case 'ping':
      return {};
    case 'server/discover':
      return discoverResult(backend);
    default:
      break;
  }
  const kind = PASS_METHODS[method];
  const pass = kind ? backend.passThrough() : undefined;
  if (kind && pass?.[kind]) return passRequest(pass, method, params, ctx.limits, scope, scope.outcome);
  throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`, undefined, scope.era === 'modern' ? 404 : 200);
}

export function discoverResult(backend: FaceBackend): Record<string, unknown> {
  const { instructions } = backend.server();
  return {
    supportedVersions: [...SUPPORTED_VERSIONS],
    capabilities: serverCapabilities(backend),
    ...(instructions ? { instructions } : {}),
  };
}

/** The legacy handshake: the client's version when we speak it, else our newest legacy one. */
export function initializeResult(backend: FaceBackend, requested: unknown): { result: Record<string, unknown>; version: string } {
  const version = typeof requested === 'string' && LEGACY_VERSIONS.includes(requested) ? requested : LEGACY_VERSIONS[0]!;
  const { instructions } = backend.server();
  return {
    version,
    result: {
      protocolVersion: version,
      capabilities: serverCapabilities(backend),
      serverInfo: serverInfo(backend),
      ...(instructions ? { instructions } : {}),
    },
  };
}

export { MODERN_VERSION };
