import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { mapCallError } from '../../../src/adapter/map-error.js';
import { McpConnectionError } from '../../../src/errors.js';
import { UpstreamHttpError } from '../../../src/mcp/http-transport.js';
import { MessageTooLargeError } from '../../../src/mcp/json-rpc.js';
import { LegacySseError } from '../../../src/mcp/legacy-sse-transport.js';

describe('mapCallError', () => {
  const table: [string, unknown, number, string][] = [
    ['timeout → 504', new McpError(ErrorCode.RequestTimeout, 'Request timed out'), 504, 'upstream_timeout'],
    ['connection closed → 502', new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), 502, 'upstream_error'],
    ['invalid params → 400', new McpError(ErrorCode.InvalidParams, 'Invalid arguments: x must be a number'), 400, 'invalid_arguments'],
    ['unknown tool → 404', new McpError(ErrorCode.InvalidParams, 'Unknown tool: nope'), 404, 'not_found'],
    ['tool not found → 404', new McpError(ErrorCode.InvalidParams, 'Tool nope not found'), 404, 'not_found'],
    ['method not found → 502', new McpError(-32601, 'Method not found'), 502, 'upstream_error'],
    ['internal error of the tool → 422', new McpError(ErrorCode.InternalError, 'disk full'), 422, 'tool_error'],
    ['not connected → 502', new Error('Not connected'), 502, 'upstream_error'],
    ['connection error → 502', new McpConnectionError('closed', 'gone'), 502, 'upstream_error'],
    ['malformed result → 502', Object.assign(new Error('bad'), { name: 'ZodError' }), 502, 'upstream_error'],
    ['answer over --max-message-bytes → 502', new MessageTooLargeError(20_000_000, 10_485_760), 502, 'response_too_large'],
    ['our own bug → 500', new TypeError('x is undefined'), 500, 'internal_error'],
    ['HttpError passes through', new HttpError(413, 'payload_too_large', 'big'), 413, 'payload_too_large'],
  ];
  it.each(table)('%s', (_name, error, status, type) => {
    const mapped = mapCallError(error, 'tool', 40_000);
    expect(mapped.status).toBe(status);
    expect(mapped.type).toBe(type);
    expect(mapped.message).not.toMatch(/^MCP error/);
    expect(mapped.message.length).toBeGreaterThan(0);
  });

  it('an HTTP exchange that failed (Streamable HTTP or legacy SSE) → 502, worded without the transport prefix', () => {
    const http = mapCallError(new UpstreamHttpError('the server answered HTTP 500', { status: 500 }), 'tool', 1);
    const sse = mapCallError(new LegacySseError('the server answered HTTP 500 to a POST', { status: 500 }), 'tool', 1);
    expect([http.status, http.type, sse.status, sse.type]).toEqual([502, 'upstream_error', 502, 'upstream_error']);
    expect(http.message).toBe('the MCP server\'s answer to "tool" failed: the server answered HTTP 500');
    expect(sse.message).toBe('the MCP server\'s answer to "tool" failed: the server answered HTTP 500 to a POST');
  });

  it('names the budget on a timeout', () => {
    expect(mapCallError(new McpError(ErrorCode.RequestTimeout, 't'), 'slow', 1234).message).toContain('1234 ms');
  });

  it('keeps error details an array (the Error schema says so)', () => {
    for (const [, error] of table) {
      const d = mapCallError(error, 't', 1).details;
      if (d !== undefined) expect(Array.isArray(d)).toBe(true);
    }
  });
});
