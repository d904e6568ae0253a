/**
 * Connection failures → McpConnectionError: a kind that says what went wrong, a message naming the cause and a
 * hint saying what to do next.
 */
import { McpConnectionError } from '../errors.js';
import { isConnectionClosed, isTimeout } from './json-rpc.js';
import { describeTarget, type HttpTarget, type StdioTarget } from './target.js';

/** Why a stdio server could not be connected to: spawn failure, early exit, timeout, or not MCP. */
export function classifyStdioError(
  error: unknown,
  target: StdioTarget,
  exit: string | undefined,
  stderrTail: string[],
  timeout: number,
): McpConnectionError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') {
    return new McpConnectionError('spawn', `command not found: ${target.command}`, {
      hint: 'check the spelling, install it, or give its full path',
      cause: error,
    });
  }
  if (code === 'EACCES') {
    return new McpConnectionError('spawn', `permission denied running ${target.command}`, {
      hint: 'make it executable (chmod +x) or run it through its interpreter, e.g. -- node server.js',
      cause: error,
    });
  }
  const last = stderrTail.length ? ` Last stderr lines:\n  ${stderrTail.join('\n  ')}` : '';
  if (isTimeout(error)) {
    return new McpConnectionError('timeout', `no answer from ${describeTarget(target)} within ${timeout} ms`, {
      hint: `check that it is an MCP server speaking stdio, or raise --timeout${last ? `.${last}` : ''}`,
      cause: error,
      stderrTail,
    });
  }
  if (exit !== undefined || isConnectionClosed(error)) {
    const how = exit ?? 'closed its output';
    return new McpConnectionError('exited', `the server (${describeTarget(target)}) ${how} before answering`, {
      hint: `run the command by hand to see why.${last || ' It wrote nothing on stderr.'}`,
      cause: error,
      stderrTail,
    });
  }
  return new McpConnectionError('protocol', `could not talk MCP with ${describeTarget(target)}: ${messageOf(error)}`, {
    hint: 'check that the command starts an MCP server on stdio (some servers need an argument such as "stdio")',
    cause: error,
    stderrTail,
  });
}

/**
 * The HTTP status an SDK transport error carries, if any: its StreamableHTTPError and SseError put it in `code`
 * and start their message so (matched by shape, so this module does not load the SDK's HTTP transports).
 */
export function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || !/^(?:Streamable HTTP|SSE) error: /.test(error.message)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code > 0 ? code : undefined;
}

/** Why an HTTP server could not be connected to: auth, refused, 5xx, timeout, or not MCP. */
export function classifyHttpError(error: unknown, target: HttpTarget, timeout: number): McpConnectionError {
  const url = target.url;
  const status = httpStatus(error);
  if (status === 401 || status === 403) {
    const sent = Object.keys(target.headers).some((h) => h.toLowerCase() === 'authorization');
    const what = status === 401 ? 'the server wants credentials' : 'the server refused access';
    return new McpConnectionError('auth', `${status} from ${url}: ${what}`, {
      hint: sent
        ? 'check the token given with --header "Authorization: Bearer …" (or the header the server expects)'
        : 'pass a token with --header "Authorization: Bearer <token>" (or the header the server expects)',
      cause: error,
    });
  }
  const netCode = networkCode(error);
  if (inChain(error, (e) => e.message === 'bad port')) {
    // fetch (undici) never connects to the ports browsers block (1, 7, 9, …, 6000 …): the attempt fails as if refused
    return new McpConnectionError('refused', `connection refused by ${url}: fetch never connects to port ${new URL(url).port} (a port browsers block)`, {
      hint: 'run the MCP server on another port, e.g. 3001',
      cause: error,
    });
  }
  if (netCode === 'ECONNREFUSED') {
    return new McpConnectionError('refused', `connection refused by ${url}`, {
      hint: 'is the server running and listening on that host and port?',
      cause: error,
    });
  }
  if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') {
    return new McpConnectionError('refused', `host not found: ${new URL(url).hostname}`, {
      hint: 'check the URL',
      cause: error,
    });
  }
  if (netCode === 'ECONNRESET' || netCode === 'UND_ERR_SOCKET') {
    return new McpConnectionError('closed', `${url} closed the connection`, {
      hint: 'check that the URL is an MCP endpoint (often ending in /mcp or /sse)',
      cause: error,
    });
  }
  if (isTimeout(error)) {
    // Legacy SSE: the stream opened but named no endpoint (a proxy that buffers event streams does this).
    const noEndpoint = error instanceof Error && error.message.includes('no endpoint event');
    return new McpConnectionError('timeout', `no answer from ${url} within ${timeout} ms${noEndpoint ? ' (its event stream named no endpoint)' : ''}`, {
      hint: noEndpoint ? 'check the URL; behind a proxy, turn off its buffering of event streams (nginx: proxy_buffering off)' : 'check the URL, or raise --timeout',
      cause: error,
    });
  }
  if (status !== undefined && status >= 500) {
    return new McpConnectionError('http', `${url} failed with HTTP ${status}`, {
      hint: "the server is up but broken or overloaded; check its logs, or try again",
      cause: error,
    });
  }
  const message = messageOf(error);
  // Legacy SSE: the stream named a POST endpoint elsewhere (ours and the SDK's wording).
  const foreign = /(?:an endpoint on another origin \(|Endpoint origin does not match connection origin: )([^\s);]+)/.exec(message);
  if (foreign) {
    return new McpConnectionError('protocol', `${url} named its message endpoint on another origin (${foreign[1]}); requests and their headers are not sent there`, {
      hint: 'use the address the server itself announces (behind a proxy, have the proxy rewrite the endpoint event)',
      cause: error,
    });
  }
  if (inChain(error, (e) => e.name === 'ZodError' || (e.name === 'MalformedMessageError' && /not a JSON-RPC response/.test(e.message)))) {
    return new McpConnectionError('protocol', `${url} does not look like an MCP server (it answered JSON, but not a JSON-RPC message)`, {
      hint: 'check the URL: it may be a REST API rather than its MCP endpoint; Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse',
      cause: error,
    });
  }
  const contentType = /(?:unexpected|invalid) content type[:,]? *"?([\w.+-]+\/[\w.+-]+)?/i.exec(message);
  const detail = contentType
    ? `it answered ${contentType[1] === 'text/html' ? 'with an HTML page' : `with ${contentType[1] ?? 'a wrong content type'}`}, not MCP`
    : status
      ? `HTTP ${status}`
      : firstLine(message);
  return new McpConnectionError('protocol', `${url} does not look like an MCP server (${detail})`, {
    hint: 'check the URL: Streamable HTTP endpoints usually end in /mcp, legacy SSE ones in /sse',
    cause: error,
  });
}

/** True when the error or one of its causes matches. */
function inChain(error: unknown, test: (e: Error) => boolean): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    if (test(e)) return true;
    e = e.cause;
  }
  return false;
}

function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const msg = (e as Error).message;
    if (typeof msg === 'string') {
      const m = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET)\b/.exec(msg);
      if (m) return m[1];
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export { isConnectionClosed, isTimeout };

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
