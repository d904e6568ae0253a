import type { OversizedMessage } from './oversized.js';

/**
 * The JSON-RPC 2.0 vocabulary of MCP that the session and the transports share: message shapes, error codes,
 * protocol versions and the error a failed request rejects with. No SDK import at run time: loading the SDK's
 * zod schemas costs ~8 MB of heap that `serve` keeps for its whole life (measured: 2.9 → 10.1 MB heap used).
 */

/** The protocol versions this client speaks, newest first (as @modelcontextprotocol/sdk 1.32). */
export const LATEST_PROTOCOL_VERSION = '2025-11-25';
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [LATEST_PROTOCOL_VERSION, '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** The stateless revision (no initialize, no sessions): spoken when a server refuses initialize but discovers. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** A request's budget when the caller gives none (the SDK's default). */
export const DEFAULT_REQUEST_TIMEOUT_MSEC = 60_000;

/** JSON-RPC and MCP error codes (the values of the SDK's `ErrorCode`). */
export const ErrorCode = {
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

export type RequestId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResult {
  jsonrpc: '2.0';
  id: RequestId;
  result: Record<string, unknown>;
}

export interface JsonRpcErrorResponse {
  jsonrpc: '2.0';
  id: RequestId;
  error: { code: number; message: string; data?: unknown };
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResult | JsonRpcErrorResponse;

/**
 * What a session needs from a transport: the shape of the SDK's `Transport`, so its Streamable HTTP and SSE
 * transports plug in unchanged next to the stdio one in ./stdio-transport.ts.
 */
/** What the session tells a transport about one message it sends. */
export interface SendOptions {
  /** The request's budget in ms: HTTP transports bound the wait for headers and body by it. */
  timeout?: number;
}

export interface SessionTransport {
  start(): Promise<void>;
  send(message: JsonRpcMessage, options?: SendOptions): Promise<void>;
  close(): Promise<void>;
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /**
   * A message over the size bound was skipped (not buffered): the session fails the request it answers, if it can
   * tell which. Without a handler the transport reports it through onerror.
   */
  onoversized?: (message: OversizedMessage) => void;
  /** HTTP transports send the negotiated version in a header on every later request. */
  setProtocolVersion?: (version: string) => void;
  /** A 2026-07-28 (stateless) server: HTTP transports add the per-request headers and keep no session. */
  setModern?: (version: string) => void;
  sessionId?: string;
}

/**
 * A request the server answered with a JSON-RPC error, or one that timed out or lost its connection. Named and
 * worded like the SDK's McpError ("MCP error -32602: …") so logs and messages read the same.
 */
export class McpError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(`MCP error ${code}: ${message}`);
    this.name = 'McpError';
    this.code = code;
    this.data = data;
  }
}

/** A message or result that is not what MCP says it must be (the SDK reports these as a ZodError). */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

/** The answer to a request was over `--max-message-bytes`: skipped unread; the connection goes on. */
export class MessageTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the answer was ${bytes} bytes, over the limit of ${limit} bytes for one message (--max-message-bytes)`);
    this.name = 'MessageTooLargeError';
  }
}

/** True for this module's McpError and for the SDK's (same name, numeric code). */
export function isMcpError(error: unknown): error is McpError {
  return error instanceof Error && error.name === 'McpError' && typeof (error as { code?: unknown }).code === 'number';
}

export function isTimeout(error: unknown): boolean {
  return isMcpError(error) && error.code === ErrorCode.RequestTimeout;
}

export function isConnectionClosed(error: unknown): boolean {
  return isMcpError(error) && error.code === ErrorCode.ConnectionClosed;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
