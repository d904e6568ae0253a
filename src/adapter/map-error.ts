/**
 * Errors of a `tools/call` → HTTP answer. The upstream answered with a JSON-RPC error, timed out, or is gone;
 * none of these is ever a 500 (ChatGPT backs off from servers that answer 500).
 */
import { McpConnectionError } from '../errors.js';
import { ErrorCode, isMcpError } from '../mcp/json-rpc.js';
import { HttpError } from './http-error.js';


/** Turns whatever a tools/call rejected with into an HttpError. `tool` is the MCP tool name. */
export function mapCallError(error: unknown, tool: string, callTimeoutMs: number): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof Error && error.name === 'TaskInputRequiredError') {
    // A clear answer the model can pass on: this tool needs a conversation mcp-actions cannot relay yet.
    return new HttpError(422, 'input_required', error.message, { cause: error });
  }
  if (error instanceof Error && error.name === 'TaskEndedError') {
    return new HttpError(502, 'upstream_error', error.message, { cause: error });
  }
  if (error instanceof Error && error.name === 'MessageTooLargeError') {
    return new HttpError(502, 'response_too_large', `the MCP server's answer to "${tool}" was skipped: ${error.message}; raise --max-message-bytes or ask the tool for less`, {
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'UpstreamHttpError') {
    // The HTTP exchange failed (5xx, not JSON, wrong content type, cut stream; Streamable HTTP or legacy SSE):
    // a bad gateway, never a 500.
    return new HttpError(502, 'upstream_error', `the MCP server's answer to "${tool}" failed: ${error.message.replace(/^(?:Streamable HTTP|SSE) error: /, '')}`, { cause: error });
  }
  if (error instanceof McpConnectionError) {
    return new HttpError(502, 'upstream_error', `the MCP server is not reachable: ${error.message}`, { cause: error });
  }
  if (isMcpError(error)) {
    const upstreamMessage = stripPrefix(error.message);
    switch (error.code) {
      case ErrorCode.RequestTimeout:
        return new HttpError(
          504,
          'upstream_timeout',
          `tool "${tool}" did not answer within ${callTimeoutMs} ms and was cancelled; try again with a smaller request`,
          { cause: error },
        );
      case ErrorCode.ConnectionClosed:
        return new HttpError(502, 'upstream_error', `the MCP server closed the connection during the call of "${tool}"`, {
          cause: error,
        });
      case ErrorCode.InvalidParams:
        if (/unknown tool|tool\b.*\bnot found|no such tool/i.test(upstreamMessage)) {
          return new HttpError(404, 'not_found', `the MCP server does not know tool "${tool}": ${upstreamMessage}`, {
            cause: error,
          });
        }
        return new HttpError(400, 'invalid_arguments', `the MCP server rejected the arguments: ${upstreamMessage}`, {
          cause: error,
          details: [{ message: upstreamMessage }],
        });
      case ErrorCode.MethodNotFound:
        return new HttpError(502, 'upstream_error', 'the MCP server does not support tools/call', { cause: error });
      default:
        // The server is up and answered: the tool failed. A model can read this and act on it.
        return new HttpError(422, 'tool_error', upstreamMessage || `tool "${tool}" failed (JSON-RPC error ${error.code})`, {
          cause: error,
          details: [{ code: error.code }],
        });
    }
  }
  if (isNotConnected(error)) {
    return new HttpError(502, 'upstream_error', 'the MCP server is not connected', { cause: error });
  }
  if (isMalformedResult(error)) {
    return new HttpError(502, 'upstream_error', `the MCP server answered tools/call for "${tool}" with a malformed result`, {
      cause: error,
    });
  }
  return new HttpError(500, 'internal_error', 'the adapter failed unexpectedly; the error was logged', { cause: error });
}

/** McpError messages start with "MCP error -32602: "; the model does not need the code twice. */
function stripPrefix(message: string): string {
  return message.replace(/^(?:MCP error -?\d+:\s*)+/, '');
}

function isNotConnected(error: unknown): boolean {
  return error instanceof Error && /^Not connected$/.test(error.message);
}

/** A result that is not a CallToolResult: the session's MalformedMessageError (the SDK's client: a ZodError). */
function isMalformedResult(error: unknown): boolean {
  return error instanceof Error && (error.name === 'MalformedMessageError' || error.name === 'ZodError' || error.name === '$ZodError');
}
