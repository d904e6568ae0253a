/**
 * The MCP face's protocol vocabulary: which revisions it speaks, the JSON-RPC messages it reads and writes, and
 * the error codes of each revision. Pure.
 *
 * Two eras on one endpoint (2026-07-28 basic/versioning "dual-era server"): an `initialize` opens a legacy session
 * (2025-03-26 … 2025-11-25, and 2024-11-05 over the old HTTP+SSE transport); a request carrying
 * `_meta["io.modelcontextprotocol/protocolVersion"]` is served statelessly as 2026-07-28.
 */
import { ErrorCode, isObject } from '../../mcp/json-rpc.js';

export { ErrorCode, isObject };

/** The one stateless revision served. */
export const MODERN_VERSION = '2026-07-28';
/** Revisions an `initialize` may negotiate, newest first. */
export const LEGACY_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];
/** Everything `server/discover` and UnsupportedProtocolVersion list. */
export const SUPPORTED_VERSIONS: readonly string[] = [MODERN_VERSION, ...LEGACY_VERSIONS];

/** Codes the 2026-07-28 revision defines (basic/index "Error Codes"). */
export const ModernErrorCode = {
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
} as const;

export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

export type RequestId = string | number;

export interface RpcRequest {
  id: RequestId;
  method: string;
  params: Record<string, unknown>;
}

export interface RpcNotification {
  method: string;
  params: Record<string, unknown>;
}

/** One parsed POST body. */
export type Incoming =
  | { kind: 'request'; message: RpcRequest }
  | { kind: 'notification'; message: RpcNotification }
  | { kind: 'response' }
  | { kind: 'invalid'; id: RequestId | null; message: string };

/** Classifies one JSON-RPC message (a batch is refused before this). */
export function classify(value: unknown): Incoming {
  if (!isObject(value)) return { kind: 'invalid', id: null, message: 'the body must be one JSON-RPC message (a JSON object)' };
  const rawId = value.id;
  const id = typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId)) ? rawId : null;
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', id, message: 'the message must have "jsonrpc": "2.0"' };
  const params = value.params;
  if (params !== undefined && !isObject(params)) return { kind: 'invalid', id, message: '"params" must be an object' };
  if (typeof value.method === 'string') {
    if (!('id' in value)) return { kind: 'notification', message: { method: value.method, params: params ?? {} } };
    if (id === null) return { kind: 'invalid', id: null, message: 'a request "id" must be a string or a number' };
    return { kind: 'request', message: { id, method: value.method, params: params ?? {} } };
  }
  if ('id' in value && ('result' in value || 'error' in value)) return { kind: 'response' };
  return { kind: 'invalid', id, message: 'the message is neither a request, a notification nor a response (no "method")' };
}

export function resultMessage(id: RequestId, result: unknown): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result)}}`;
}

export function errorMessage(id: RequestId | null, code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

export function notificationMessage(method: string, params?: Record<string, unknown>): string {
  return JSON.stringify(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
}

/** A JSON-RPC error to answer a request with (thrown inside the dispatcher). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    /** HTTP status when the answer is a plain POST response (2026-07-28 wants 400/404 for some errors). */
    readonly httpStatus = 200,
    /** HTTP headers of that plain POST response (a 403's WWW-Authenticate challenge). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** `=?base64?…?=` header values (2026-07-28 "Value Encoding"); undefined when the encoding is broken. */
export function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith('=?base64?') || !value.endsWith('?=') || value.length < 11) return value;
  const b64 = value.slice(9, -2);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Key of a request id for maps ("s:abc" and "n:1" never collide). */
export function idKey(id: unknown): string | undefined {
  return typeof id === 'string' ? `s:${id}` : typeof id === 'number' ? `n:${id}` : undefined;
}
