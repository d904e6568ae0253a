/**
 * Connecting to an MCP server over stdio, Streamable HTTP or legacy SSE, with every failure turned into an
 * `McpConnectionError` whose kind says what went wrong and whose hint says what to do.
 */
import { stat } from 'node:fs/promises';
import { McpConnectionError } from '../errors.js';
import { classifyHttpError, classifyStdioError, httpStatus } from './connect-errors.js';
import type { SessionTransport } from './json-rpc.js';
import { McpSession } from './session.js';
import { DEFAULT_MAX_MESSAGE_BYTES, StdioTransport } from './stdio-transport.js';
import type { HttpTarget, StdioTarget, Target } from './target.js';

export { isConnectionClosed, isTimeout, messageOf } from './connect-errors.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_LINES = 20;
const STDERR_TAIL_BYTES = 16_384;

export interface ConnectOptions {
  /** Connect and per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Environment a stdio child inherits before the target's own `env` (the CLI passes process.env). */
  baseEnv?: Record<string, string | undefined>;
  /** Called with every chunk the child writes on stderr (e.g. to forward it in verbose mode). */
  onStderr?: (chunk: string) => void;
  /** Client name/version announced in `initialize`. */
  clientInfo?: { name: string; version: string };
  /** Bytes of a single message from the server: a larger answer fails its own request (stdio and lean HTTP). */
  maxMessageBytes?: number;
  /**
   * Streamable HTTP and legacy SSE through the lean transports (./http-transport.ts, ./legacy-sse-transport.ts:
   * undici pool, bounded, typed errors) instead of the SDK's. The adapter's run-time path (SupervisedUpstream)
   * sets it; one-shot commands keep the SDK's.
   */
  leanHttp?: boolean;
  /** Sockets the lean HTTP transport may open to the server (default 64). */
  maxConnections?: number;
}

export interface Connection {
  /** The initialized MCP session (requests, notifications, server info). */
  session: McpSession;
  target: Target;
  /** 'stdio' | 'streamable-http' | 'sse': what was actually used. */
  transport: 'stdio' | 'streamable-http' | 'sse';
  /** PID of the stdio child, if any. */
  pid?: number;
  /** Last lines of the child's stderr. */
  stderrTail(): string[];
  /** How the stdio child ended, once it has: "exited with code 1", "was killed by SIGKILL". */
  exitStatus?(): string | undefined;
  /** Closes the session and the child (stdin close → SIGTERM → SIGKILL). Never throws. */
  close(): Promise<void>;
  /** Lean HTTP: sockets open to the server now. */
  openSockets?(): number;
}

class TailBuffer {
  private text = '';
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > STDERR_TAIL_BYTES) this.text = this.text.slice(-STDERR_TAIL_BYTES);
  }
  lines(): string[] {
    return this.text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .slice(-STDERR_TAIL_LINES);
  }
}

/** Connects to a target and completes the MCP handshake. Throws McpConnectionError. */
export async function connect(target: Target, options: ConnectOptions = {}): Promise<Connection> {
  return target.kind === 'stdio' ? connectStdio(target, options) : connectHttp(target, options);
}

function newSession(transport: SessionTransport, options: ConnectOptions): McpSession {
  return new McpSession(transport, options.clientInfo ?? { name: 'mcp-actions', version: '0' });
}

async function connectStdio(target: StdioTarget, options: ConnectOptions): Promise<Connection> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A missing cwd makes spawn fail with ENOENT, which would read as "command not found".
  if (target.cwd !== undefined && !(await isDirectory(target.cwd))) {
    throw new McpConnectionError('spawn', `working directory not found: ${target.cwd}`, {
      hint: 'check --cwd (or "cwd" in the config file)',
    });
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.baseEnv ?? {})) if (v !== undefined) env[k] = v;
  Object.assign(env, target.env);
  const transport = new StdioTransport({
    command: target.command,
    args: target.args,
    env,
    cwd: target.cwd,
    maxMessageBytes: options.maxMessageBytes,
  });
  const tail = new TailBuffer();
  transport.stderr.on('data', (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    tail.push(s);
    options.onStderr?.(s);
  });
  const session = newSession(transport, options);
  const close = closer(session);
  try {
    await session.connect({ timeout });
  } catch (error) {
    // Read how it ended before closing: closing kills a hung server, which is not why it failed.
    const exit = describeExit(transport.exit);
    const stderrTail = tail.lines();
    await close();
    throw classifyStdioError(error, target, exit, stderrTail, timeout);
  }
  return {
    session,
    target,
    transport: 'stdio',
    pid: transport.pid,
    stderrTail: () => tail.lines(),
    exitStatus: () => describeExit(transport.exit),
    close,
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function describeExit(exit: StdioTransport['exit']): string | undefined {
  if (!exit) return undefined;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** close() for a connection: runs once, never throws; `before` (best effort) runs first. */
function closer(session: McpSession, before?: () => Promise<unknown>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await before?.().catch(() => undefined);
      await session.close();
    })();
    return closing;
  };
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

async function connectHttp(target: HttpTarget, options: ConnectOptions): Promise<Connection> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = new URL(target.url);
  const requestInit: RequestInit = { headers: target.headers };
  const attempt = async (kind: 'streamable-http' | 'sse'): Promise<Connection> => {
    if (options.leanHttp) return connectLean(kind, target, url, options, timeout);
    // Loaded only when used: the SDK's HTTP transports bring its zod schemas with them.
    const transport =
      kind === 'sse'
        ? new (await import('@modelcontextprotocol/sdk/client/sse.js')).SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: withHeaders(target.headers) } })
        : new (await import('@modelcontextprotocol/sdk/client/streamableHttp.js')).StreamableHTTPClientTransport(url, { requestInit });
    const session = newSession(transport as unknown as SessionTransport, options);
    const close = closer(session);
    try {
      await session.connect({ timeout });
    } catch (error) {
      await close();
      throw error;
    }
    if ('terminateSession' in transport && transport.sessionId !== undefined) {
      // Be polite to stateful servers: end the session (DELETE) before dropping the connection.
      const ending = closer(session, () => withTimeout(transport.terminateSession(), Math.min(timeout, 2000)));
      return { session, target, transport: kind, stderrTail: () => [], close: ending };
    }
    return { session, target, transport: kind, stderrTail: () => [], close };
  };
  if (target.transport === 'sse') return attempt('sse').catch((e) => Promise.reject(classifyHttpError(e, target, timeout)));
  try {
    return await attempt('streamable-http');
  } catch (error) {
    const status = httpStatus(error);
    if (target.transport === 'auto' && (status === 400 || status === 404 || status === 405)) {
      try {
        return await attempt('sse');
      } catch (sseError) {
        // Report the first failure when SSE fails the same generic way: it is the one that says most.
        const sseStatus = httpStatus(sseError);
        throw classifyHttpError(sseStatus === 401 || sseStatus === 403 ? sseError : error, target, timeout);
      }
    }
    throw classifyHttpError(error, target, timeout);
  }
}

/**
 * Streamable HTTP or legacy SSE through the lean transports. Streamable HTTP ends its session with a DELETE when it
 * has an id; legacy SSE reopens its stream (a new session) by itself when it ends.
 */
async function connectLean(kind: 'streamable-http' | 'sse', target: HttpTarget, url: URL, options: ConnectOptions, timeout: number): Promise<Connection> {
  // Loaded only when used: undici (with its WebAssembly HTTP parser) adds about 15 MB to a stdio-only `serve`.
  const transportOptions = {
    url,
    headers: target.headers,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    connections: options.maxConnections,
    timeoutMs: timeout,
  };
  const transport =
    kind === 'streamable-http'
      ? new (await import('./http-transport.js')).StreamableHttpTransport(transportOptions)
      : new (await import('./legacy-sse-transport.js')).LegacySseTransport(transportOptions);
  const end = 'terminateSession' in transport ? () => transport.terminateSession(Math.min(timeout, 2000)) : undefined;
  const session = newSession(transport, options);
  try {
    await session.connect({ timeout });
  } catch (error) {
    await closer(session)();
    throw error;
  }
  return { session, target, transport: kind, stderrTail: () => [], close: closer(session, end), openSockets: () => transport.openSockets };
}

/** The SSE transport's EventSource needs the headers passed to its fetch as well. */
function withHeaders(headers: Record<string, string>): typeof fetch {
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [k, v] of Object.entries(headers)) merged.set(k, v);
    return fetch(input, { ...init, headers: merged });
  };
}
