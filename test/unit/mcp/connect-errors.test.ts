/** Classifying connection failures: the kind, and a message that names the cause and what to do. */
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { classifyHttpError, classifyStdioError, httpStatus } from '../../../src/mcp/connect-errors.js';
import { LegacySseError } from '../../../src/mcp/legacy-sse-transport.js';
import type { HttpTarget, StdioTarget } from '../../../src/mcp/target.js';

const http = (headers: Record<string, string> = {}): HttpTarget => ({ kind: 'http', url: 'http://h:1/mcp', headers, transport: 'auto' });
const stdio: StdioTarget = { kind: 'stdio', command: 'my-server', args: ['--x'], env: {} };
const sseError = (code: number, message: string) =>
  new SseError(code, message, undefined as unknown as ConstructorParameters<typeof SseError>[2]);
const errno = (code: string) => Object.assign(new Error(`spawn my-server ${code}`), { code });
const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }) });

describe('classifyHttpError', () => {
  const cases: [string, { error: unknown; headers?: Record<string, string>; kind: string; line: string }][] = [
    ['401, no token sent', { error: new StreamableHTTPError(401, 'Unauthorized'), kind: 'auth', line: '401 from http://h:1/mcp: the server wants credentials; pass a token with --header "Authorization: Bearer <token>" (or the header the server expects)' }],
    ['401, token sent', { error: new StreamableHTTPError(401, 'Unauthorized'), headers: { authorization: 'Bearer x' }, kind: 'auth', line: '401 from http://h:1/mcp: the server wants credentials; check the token given with --header "Authorization: Bearer …" (or the header the server expects)' }],
    ['403 over SSE', { error: sseError(403, 'Forbidden'), kind: 'auth', line: '403 from http://h:1/mcp: the server refused access; pass a token with --header "Authorization: Bearer <token>" (or the header the server expects)' }],
    ['refused, code on the cause', { error: fetchFailed('ECONNREFUSED'), kind: 'refused', line: 'connection refused by http://h:1/mcp; is the server running and listening on that host and port?' }],
    ['a port fetch blocks', { error: new TypeError('fetch failed', { cause: new Error('bad port') }), kind: 'refused', line: 'connection refused by http://h:1/mcp: fetch never connects to port 1 (a port browsers block); run the MCP server on another port, e.g. 3001' }],
    ['JSON that is not JSON-RPC (the SDK\'s schema error)', { error: Object.assign(new Error('[\n  {\n    "code": "invalid_union"'), { name: 'ZodError' }), kind: 'protocol', line: 'http://h:1/mcp does not look like an MCP server (it answered JSON, but not a JSON-RPC message); check the URL: it may be a REST API rather than its MCP endpoint; Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse' }],
    ['host not found', { error: fetchFailed('ENOTFOUND'), kind: 'refused', line: 'host not found: h; check the URL' }],
    ['reset', { error: fetchFailed('ECONNRESET'), kind: 'closed', line: 'http://h:1/mcp closed the connection; check that the URL is an MCP endpoint (often ending in /mcp or /sse)' }],
    ['5xx', { error: new StreamableHTTPError(503, 'Service Unavailable'), kind: 'http', line: 'http://h:1/mcp failed with HTTP 503; the server is up but broken or overloaded; check its logs, or try again' }],
    ['timeout', { error: new McpError(ErrorCode.RequestTimeout, 'Request timed out'), kind: 'timeout', line: 'no answer from http://h:1/mcp within 1234 ms; check the URL, or raise --timeout' }],
    ['an SSE stream that names no endpoint', { error: new McpError(ErrorCode.RequestTimeout, 'no endpoint event from http://h:1/mcp within 1234 ms'), kind: 'timeout', line: 'no answer from http://h:1/mcp within 1234 ms (its event stream named no endpoint); check the URL; behind a proxy, turn off its buffering of event streams (nginx: proxy_buffering off)' }],
    ['an HTML page', { error: new StreamableHTTPError(-1, 'Unexpected content type: text/html; charset=utf-8'), kind: 'protocol', line: 'http://h:1/mcp does not look like an MCP server (it answered with an HTML page, not MCP); check the URL: Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse' }],
    ['plain text', { error: new StreamableHTTPError(-1, 'Unexpected content type: text/plain'), kind: 'protocol', line: 'http://h:1/mcp does not look like an MCP server (it answered with text/plain, not MCP); check the URL: Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse' }],
    ['an SSE endpoint on another origin (lean transport)', { error: new LegacySseError('the server named an endpoint on another origin (http://evil:2); refused: our requests and their headers would go there'), kind: 'protocol', line: 'http://h:1/mcp named its message endpoint on another origin (http://evil:2); requests and their headers are not sent there; use the address the server itself announces (behind a proxy, have the proxy rewrite the endpoint event)' }],
    ['an SSE endpoint on another origin (the SDK)', { error: new Error('Endpoint origin does not match connection origin: http://evil:2'), kind: 'protocol', line: 'http://h:1/mcp named its message endpoint on another origin (http://evil:2); requests and their headers are not sent there; use the address the server itself announces (behind a proxy, have the proxy rewrite the endpoint event)' }],
    ['404', { error: new StreamableHTTPError(404, 'Not Found'), kind: 'protocol', line: 'http://h:1/mcp does not look like an MCP server (HTTP 404); check the URL: Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse' }],
  ];
  it.each(cases)('%s', (_, { error, headers, kind, line }) => {
    const classified = classifyHttpError(error, http(headers), 1234);
    expect(classified.kind).toBe(kind);
    expect(formatError(classified)).toBe(line);
    expect(classified.cause).toBe(error);
    expect(classified.exitCode).toBe(2);
  });
});

describe('classifyStdioError', () => {
  const closed = new McpError(ErrorCode.ConnectionClosed, 'Connection closed');
  const cases: [string, { error: unknown; exit?: string; tail?: string[]; kind: string; line: string }][] = [
    ['ENOENT', { error: errno('ENOENT'), kind: 'spawn', line: 'command not found: my-server; check the spelling, install it, or give its full path' }],
    ['EACCES', { error: errno('EACCES'), kind: 'spawn', line: 'permission denied running my-server; make it executable (chmod +x) or run it through its interpreter, e.g. -- node server.js' }],
    ['exited, with stderr', { error: closed, exit: 'exited with code 1', tail: ['boom', 'bye'], kind: 'exited', line: 'the server (my-server --x) exited with code 1 before answering; run the command by hand to see why. Last stderr lines:\n  boom\n  bye' }],
    ['killed, silent', { error: closed, exit: 'was killed by SIGSEGV', kind: 'exited', line: 'the server (my-server --x) was killed by SIGSEGV before answering; run the command by hand to see why. It wrote nothing on stderr.' }],
    ['closed its output', { error: closed, kind: 'exited', line: 'the server (my-server --x) closed its output before answering; run the command by hand to see why. It wrote nothing on stderr.' }],
    ['timeout', { error: new McpError(ErrorCode.RequestTimeout, 'Request timed out'), kind: 'timeout', line: 'no answer from my-server --x within 1234 ms; check that it is an MCP server speaking stdio, or raise --timeout' }],
    ['timeout, with stderr', { error: new McpError(ErrorCode.RequestTimeout, 'Request timed out'), tail: ['waiting for login…'], kind: 'timeout', line: 'no answer from my-server --x within 1234 ms; check that it is an MCP server speaking stdio, or raise --timeout. Last stderr lines:\n  waiting for login…' }],
    ['timeout, even if it has exited since (closing killed it)', { error: new McpError(ErrorCode.RequestTimeout, 'Request timed out'), exit: 'was killed by SIGTERM', kind: 'timeout', line: 'no answer from my-server --x within 1234 ms; check that it is an MCP server speaking stdio, or raise --timeout' }],
    ['anything else', { error: new Error('Unexpected token'), kind: 'protocol', line: 'could not talk MCP with my-server --x: Unexpected token; check that the command starts an MCP server on stdio (some servers need an argument such as "stdio")' }],
  ];
  it.each(cases)('%s', (_, { error, exit, tail, kind, line }) => {
    const classified = classifyStdioError(error, stdio, exit, tail ?? [], 1234);
    expect(classified.kind).toBe(kind);
    expect(formatError(classified)).toBe(line);
    expect(classified.cause).toBe(error);
  });
});

describe('httpStatus', () => {
  it.each([
    [new StreamableHTTPError(404, 'x'), 404],
    [sseError(405, 'x'), 405],
    [new StreamableHTTPError(-1, 'x'), undefined],
    [new Error('x'), undefined],
  ])('%s → %s', (error, want) => {
    expect(httpStatus(error)).toBe(want);
  });
});
