/**
 * `tools/call` and the pass-through requests on the MCP face: the shared call pipeline (rate limit, argument
 * validation, in-flight limit, budget, cancellation, progress, output check) and the response cap; failures
 * become JSON-RPC errors (the server's own, passed through, or -32603 with the REST face's error type in `data`).
 */
import type { IncomingMessage } from 'node:http';
import { isMcpError, ErrorCode } from '../../mcp/json-rpc.js';
import { HttpError } from '../http-error.js';
import type { Authenticator, Identity } from '../identity/identity.js';
import { mapCallError } from '../map-error.js';
import type { ToolResultLike } from '../map-result.js';
import { runToolCall } from '../pipeline/run-call.js';
import type { RateLimiter } from '../rate-limit.js';
import type { CallProgress } from '../upstream.js';
import type { FaceTool, PassThrough } from './backend.js';
import { fitCallResult } from './fit-result.js';
import { isObject, RpcError } from './protocol.js';

export interface CallLimits {
  callTimeoutMs: number;
  maxResponseChars: number;
  rateLimiter?: RateLimiter;
  /** The authenticator's per-tool check (scopes), as on the REST face. */
  authorize?: Authenticator['authorize'];
}

export interface CallScope {
  req: IncomingMessage;
  identity: Identity;
  signal: AbortSignal;
  onProgress?: (progress: CallProgress) => void;
}

/** What the log line says about one call. */
export interface CallOutcome {
  /** The REST face's status for the same outcome (200, 422 tool error, 400, 502, 504 …). */
  status: number;
  errorType?: string;
  error?: unknown;
  bytesOut: number;
  /** The result as JSON, when it was serialised already (the cap measures it): not serialised twice. */
  json?: string;
}

/** The arguments of a tools/call: an object (absent = none). */
export function callArguments(params: Record<string, unknown>): Record<string, unknown> {
  const args = params.arguments;
  if (args === undefined || args === null) return {};
  if (!isObject(args)) throw new RpcError(ErrorCode.InvalidParams, 'tools/call "arguments" must be an object');
  return args;
}

/** Runs one tools/call; resolves with the (capped) result, rejects with an RpcError. */
export async function callFaceTool(
  tool: FaceTool,
  args: Record<string, unknown>,
  limits: CallLimits,
  scope: CallScope,
  outcome: CallOutcome,
): Promise<ToolResultLike> {
  try {
    limits.authorize?.(scope.identity, tool.entry.tool);
    if (limits.rateLimiter) await limits.rateLimiter.take(scope.req, scope.identity);
    const result = withoutTaskMeta(
      await runToolCall({ upstream: tool.caller, callTimeoutMs: limits.callTimeoutMs }, tool.entry, args, {
        signal: scope.signal,
        identity: scope.identity,
        ...(scope.onProgress ? progressAndStatus(scope.onProgress) : {}),
      }),
    );
    const fitted = fitCallResult(result, limits.maxResponseChars);
    outcome.status = fitted.result.isError === true ? 422 : 200;
    if (fitted.result.isError === true) outcome.errorType = 'tool_error';
    outcome.bytesOut = fitted.json.length;
    outcome.json = fitted.json;
    return fitted.result;
  } catch (error) {
    // Arguments that fail the input schema are a tool error the model can read and fix (SEP-1303).
    if (error instanceof HttpError && error.type === 'invalid_arguments' && error.status === 400 && !isMcpError(error.cause)) {
      outcome.status = 400;
      outcome.errorType = 'invalid_arguments';
      outcome.error = error;
      return { content: [{ type: 'text', text: error.message }], isError: true };
    }
    throw toRpcError(error, tool.name, limits.callTimeoutMs, outcome);
  }
}

/**
 * Progress for the client from a call the upstream may run as an MCP task: its own progress notifications, and
 * the task's status messages ("Gathering sources...") as progress with a message, counted 1, 2, 3 … while the
 * server sends no progress of its own. Progress only ever increases, as the client's token requires.
 */
function progressAndStatus(send: (progress: CallProgress) => void): { onProgress: (p: CallProgress) => void; onStatus: (message: string) => void } {
  let last = 0;
  let own = false;
  return {
    onProgress: (p) => {
      own = true;
      if (p.progress <= last) return;
      last = p.progress;
      send(p);
    },
    onStatus: (message) => {
      if (own) return;
      last += 1;
      send({ progress: last, message });
    },
  };
}

const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/**
 * The result without the upstream task's id in `_meta`: the face answers the call itself, its client never saw
 * that task and cannot ask about it.
 */
function withoutTaskMeta(result: ToolResultLike): ToolResultLike {
  const meta = (result as { _meta?: unknown })._meta;
  if (!isObject(meta) || !(RELATED_TASK in meta)) return result;
  const { [RELATED_TASK]: _task, ...rest } = meta;
  const { _meta: _old, ...out } = result as ToolResultLike & { _meta?: unknown };
  return (Object.keys(rest).length ? { ...out, _meta: rest } : out) as ToolResultLike;
}

/** A pass-through request (resources/*, prompts/*, completion/complete). */
export async function passRequest(
  pass: PassThrough,
  method: string,
  params: Record<string, unknown>,
  limits: CallLimits,
  scope: CallScope,
  outcome: CallOutcome,
): Promise<Record<string, unknown>> {
  try {
    if (limits.rateLimiter) await limits.rateLimiter.take(scope.req, scope.identity);
    const { _meta: _dropped, ...rest } = params;
    const result = await pass.caller.request!(method, rest, { timeoutMs: limits.callTimeoutMs, signal: scope.signal, identity: scope.identity });
    const size = JSON.stringify(result).length;
    if (size > limits.maxResponseChars) {
      throw new HttpError(502, 'response_too_large', `the server answered ${method} with ${size} characters, over the limit of ${limits.maxResponseChars} (--max-response-chars)`);
    }
    outcome.status = 200;
    outcome.bytesOut = size;
    return result;
  } catch (error) {
    throw toRpcError(error, String(params.name ?? params.uri ?? method), limits.callTimeoutMs, outcome);
  }
}

/**
 * A failure → JSON-RPC error. The server's own JSON-RPC errors pass through (code, message, data); everything
 * the adapter decided (rate limit, overload, timeout, upstream down or crashed) is -32603 with `data.type` as on
 * the REST face, and `data.retryAfterSeconds` when retrying later may help.
 */
export function toRpcError(error: unknown, name: string, callTimeoutMs: number, outcome: CallOutcome): RpcError {
  outcome.error = error;
  if (error instanceof RpcError) {
    outcome.status = 400;
    outcome.errorType = 'invalid_arguments';
    return error;
  }
  const http = mapCallError(error, name, callTimeoutMs);
  outcome.status = http.status;
  outcome.errorType = http.type;
  if (isMcpError(error) && error.code !== ErrorCode.RequestTimeout && error.code !== ErrorCode.ConnectionClosed) {
    return new RpcError(error.code, error.message.replace(/^(?:MCP error -?\d+:\s*)+/, ''), error.data);
  }
  if (http.status === 403) {
    // Valid credentials without the scope this tool needs: HTTP 403 + the challenge where the answer is a plain
    // POST response (the MCP authorization spec's step-up), a JSON-RPC error anyway.
    return new RpcError(ErrorCode.InternalError, http.message, { type: http.type }, 403, http.headers);
  }
  const retry = http.headers?.['Retry-After'];
  const data: Record<string, unknown> = { type: http.type };
  if (retry) data.retryAfterSeconds = Number(retry);
  return new RpcError(ErrorCode.InternalError, http.message, data);
}
