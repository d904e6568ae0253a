/**
 * What a 2026-07-28 request must carry (basic/index "Per-request protocol fields", transports/streamable-http
 * "Request Metadata" and "Server Validation"): the protocol version in `_meta` and in `MCP-Protocol-Version`,
 * equal; the client capabilities in `_meta`; `Mcp-Method` equal to the method; `Mcp-Name` equal to the tool,
 * prompt or resource named in the body; `Mcp-Param-*` equal to the arguments a tool marks with `x-mcp-header`.
 * A failure is a 400 with the error code the revision names.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JsonSchema } from '../../mcp/catalog.js';
import {
  decodeHeaderValue,
  ErrorCode,
  isObject,
  META_CLIENT_CAPABILITIES,
  META_PROTOCOL_VERSION,
  MODERN_VERSION,
  ModernErrorCode,
  RpcError,
  SUPPORTED_VERSIONS,
  type RpcRequest,
} from './protocol.js';

/** The protocol version a request claims in `_meta`, if any. */
export function metaVersion(params: Record<string, unknown>): unknown {
  const meta = params._meta;
  return isObject(meta) ? meta[META_PROTOCOL_VERSION] : undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const mismatch = (message: string) => new RpcError(ModernErrorCode.HeaderMismatch, `Header mismatch: ${message}`, undefined, 400);

/** Throws RpcError (HTTP 400) when a stateless request is not well formed. */
export function checkModernRequest(headers: IncomingHttpHeaders, request: RpcRequest, inputSchema?: JsonSchema): void {
  const version = metaVersion(request.params);
  if (typeof version !== 'string') {
    throw new RpcError(ErrorCode.InvalidParams, `params._meta["${META_PROTOCOL_VERSION}"] must name the protocol version (e.g. "${MODERN_VERSION}")`, undefined, 400);
  }
  const headerVersion = header(headers, 'mcp-protocol-version');
  if (headerVersion === undefined) throw mismatch('the MCP-Protocol-Version header is missing');
  if (headerVersion !== version) throw mismatch(`MCP-Protocol-Version header value '${headerVersion}' does not match body value '${version}'`);
  if (version !== MODERN_VERSION) {
    throw new RpcError(ModernErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', { supported: [...SUPPORTED_VERSIONS], requested: version }, 400);
  }
  const meta = request.params._meta as Record<string, unknown>;
  if (!isObject(meta[META_CLIENT_CAPABILITIES])) {
    throw new RpcError(ErrorCode.InvalidParams, `params._meta["${META_CLIENT_CAPABILITIES}"] must be an object (the client's capabilities)`, undefined, 400);
  }
  const method = header(headers, 'mcp-method');
  if (method === undefined) throw mismatch('the Mcp-Method header is missing');
  if (method !== request.method) throw mismatch(`Mcp-Method header value '${method}' does not match body value '${request.method}'`);
  const nameField = request.method === 'resources/read' ? 'uri' : request.method === 'tools/call' || request.method === 'prompts/get' ? 'name' : undefined;
  if (nameField) {
    const raw = header(headers, 'mcp-name');
    if (raw === undefined) throw mismatch('the Mcp-Name header is missing');
    const name = decodeHeaderValue(raw);
    if (name === undefined) throw mismatch('the Mcp-Name header has a malformed base64 value');
    if (name !== request.params[nameField]) throw mismatch(`Mcp-Name header value '${name}' does not match body value '${String(request.params[nameField])}'`);
  }
  if (request.method === 'tools/call' && inputSchema) checkParamHeaders(headers, request.params.arguments, inputSchema);
}

/** `x-mcp-header` properties of a tool: the header must be there when the argument is, and equal it. */
function checkParamHeaders(headers: IncomingHttpHeaders, args: unknown, schema: JsonSchema): void {
  const props = schema.properties;
  if (!isObject(props)) return;
  for (const [prop, def] of Object.entries(props)) {
    if (!isObject(def) || typeof def['x-mcp-header'] !== 'string') continue;
    const headerName = `mcp-param-${def['x-mcp-header'].toLowerCase()}`;
    const value = isObject(args) ? args[prop] : undefined;
    const raw = header(headers, headerName);
    if (value === undefined || value === null) {
      if (raw !== undefined) throw mismatch(`${headerName} is set but the argument "${prop}" is not`);
      continue;
    }
    if (raw === undefined) throw mismatch(`the ${headerName} header is missing for argument "${prop}"`);
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) throw mismatch(`the ${headerName} header has a malformed base64 value`);
    const same = typeof value === 'number' ? Number(decoded) === value : typeof value === 'boolean' ? decoded === String(value) : decoded === value;
    if (!same) throw mismatch(`${headerName} header value '${decoded}' does not match argument "${prop}"`);
  }
}
