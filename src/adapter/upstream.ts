/**
 * The upstream: ONE long-lived MCP connection shared by every call of the adapter. Concurrent calls multiplex
 * over it (JSON-RPC ids). A class because it has a lifecycle: start → ready → (down) → closed.
 *
 * Built so that the next steps slot in without changing callers: `connectFn` is kept to reconnect/respawn,
 * `state` + the 'state' event drive /readyz, the 'catalog' event carries a re-read tool list
 * (notifications/tools/list_changed), and every call goes through `callTool` (one place to bound or queue).
 */
import { EventEmitter } from 'node:events';
import { McpConnectionError } from '../errors.js';
import type { ToolCatalog } from '../mcp/catalog.js';
import { connect, type ConnectOptions, type Connection } from '../mcp/connect.js';
import { readCatalog } from '../mcp/introspect.js';
import { isObject, MalformedMessageError } from '../mcp/json-rpc.js';
import { callTool } from '../mcp/tasks.js';
import type { Target } from '../mcp/target.js';
import type { Identity } from './identity/identity.js';
import type { ToolResultLike } from './map-result.js';

export type UpstreamState = 'connecting' | 'ready' | 'down' | 'closed';

export interface CallOptions {
  /** Budget of this call; on expiry the session rejects with RequestTimeout and sends notifications/cancelled. */
  timeoutMs: number;
  /** Aborting it (e.g. the HTTP client went away) cancels the call upstream. */
  signal?: AbortSignal;
  /** Who is calling (per-user upstreams pick the caller's own upstream by it). */
  identity?: Identity;
  /** Called with each notifications/progress the server sends for this call. */
  onProgress?: (progress: CallProgress) => void;
  /** Called with the status message of a call the server runs as a task, each time it changes. */
  onStatus?: (message: string) => void;
}

/** The params of one notifications/progress (minus the token). */
export interface CallProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** Options of a pass-through request (resources, prompts, completion): the call's budget, abort and caller. */
export type RequestOptions = Omit<CallOptions, 'onProgress'>;

/**
 * Notifications of the upstream that the MCP face forwards to its clients (the tool list is followed through
 * the 'catalog' event instead, once the routes are rebuilt).
 */
export type ForwardedNotification = 'notifications/resources/list_changed' | 'notifications/prompts/list_changed' | 'notifications/resources/updated';
export const FORWARDED_NOTIFICATIONS: readonly ForwardedNotification[] = [
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/updated',
];

/** What the adapter needs from an upstream: tests may pass anything with this shape. */
export interface ToolCaller {
  readonly catalog: ToolCatalog;
  readonly ready: boolean;
  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike>;
  /**
   * Any other request to the server (resources/*, prompts/*, completion/complete), answered with its raw result.
   * Absent: the MCP face serves tools only.
   */
  request?(method: string, params: Record<string, unknown>, options: RequestOptions): Promise<Record<string, unknown>>;
  on?(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown;
  off?(event: 'catalog', listener: (catalog: ToolCatalog) => void): unknown;
  on?(event: 'notification', listener: (method: ForwardedNotification, params: Record<string, unknown>) => void): unknown;
  off?(event: 'notification', listener: (method: ForwardedNotification, params: Record<string, unknown>) => void): unknown;
}

export interface UpstreamOptions extends ConnectOptions {
  /** How to (re)connect; defaults to `connect(target, options)`. */
  connectFn?: () => Promise<Connection>;
}

export interface UpstreamEvents {
  state: [UpstreamState];
  catalog: [ToolCatalog];
  /** The connection dropped; carries the child's last stderr lines when there are some. */
  down: [McpConnectionError];
  /** A resources/prompts notification to forward. */
  notification: [ForwardedNotification, Record<string, unknown>];
}

export class Upstream extends EventEmitter<UpstreamEvents> implements ToolCaller {
  private connection?: Connection;
  private currentCatalog?: ToolCatalog;
  /** Tools that declare execution.taskSupport, by name (the others are plain calls). */
  private taskSupport = new Map<string, 'required' | 'optional' | 'forbidden'>();
  private currentState: UpstreamState = 'connecting';
  private readonly connectFn: () => Promise<Connection>;
  private readonly timeoutMs?: number;

  private constructor(target: Target | undefined, options: UpstreamOptions) {
    super();
    this.timeoutMs = options.timeoutMs;
    if (options.connectFn) this.connectFn = options.connectFn;
    else if (target) this.connectFn = () => connect(target, options);
    else throw new TypeError('Upstream needs a target or a connectFn');
  }

  /** Connects, reads the catalog and returns a ready upstream. Throws McpConnectionError. */
  static async start(target: Target | undefined, options: UpstreamOptions = {}): Promise<Upstream> {
    const upstream = new Upstream(target, options);
    await upstream.open();
    return upstream;
  }

  get state(): UpstreamState {
    return this.currentState;
  }

  get ready(): boolean {
    return this.currentState === 'ready';
  }

  get catalog(): ToolCatalog {
    if (!this.currentCatalog) throw new Error('Upstream has no catalog before start()');
    return this.currentCatalog;
  }

  /** The live connection (pid, stderr tail, transport). */
  get info(): Pick<Connection, 'transport' | 'pid' | 'stderrTail' | 'target'> | undefined {
    return this.connection;
  }

  private setState(state: UpstreamState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private async open(): Promise<void> {
    this.setState('connecting');
    const connection = await this.connectFn();
    try {
      this.currentCatalog = await readCatalog(connection, { timeoutMs: this.timeoutMs });
    } catch (error) {
      await connection.close();
      throw error;
    }
    this.connection = connection;
    this.taskSupport = taskSupportOf(this.currentCatalog);
    const { session } = connection;
    session.onclose = () => this.onClosed(connection);
    session.setNotificationHandler('notifications/tools/list_changed', () => void this.refreshCatalog(connection));
    for (const method of FORWARDED_NOTIFICATIONS) {
      session.setNotificationHandler(method, (params) => {
        if (connection === this.connection) this.emit('notification', method, params);
      });
    }
    this.setState('ready');
  }

  private onClosed(connection: Connection): void {
    if (connection !== this.connection || this.currentState === 'closed') return;
    const tail = connection.stderrTail();
    const last = tail.length ? `; last stderr lines:\n  ${tail.join('\n  ')}` : '';
    this.setState('down');
    this.emit('down', new McpConnectionError('closed', `the MCP server connection closed${last}`, { stderrTail: tail }));
  }

  /** Re-reads tools/list after notifications/tools/list_changed; keeps the old catalog if that fails. */
  async refreshCatalog(connection = this.connection): Promise<void> {
    if (!connection || connection !== this.connection) return;
    try {
      const catalog = await readCatalog(connection, { timeoutMs: this.timeoutMs });
      if (connection !== this.connection) return;
      this.currentCatalog = catalog;
      this.taskSupport = taskSupportOf(catalog);
      this.emit('catalog', catalog);
    } catch {
      // The next list_changed (or a reconnect) tries again; the old routes stay valid meanwhile.
    }
  }

  /**
   * One `tools/call`, run as an MCP task when the server wants it so (mcp/tasks.ts). Rejects with McpError
   * (timeout, JSON-RPC error, connection closed), McpConnectionError (not connected) or a task error. On timeout
   * or abort the call is cancelled upstream (notifications/cancelled, or tasks/cancel for a task).
   */
  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResultLike> {
    const connection = this.connection;
    if (!connection || this.currentState !== 'ready') {
      return Promise.reject(new McpConnectionError('closed', `the MCP server is ${this.currentState}`));
    }
    const taskSupport = this.taskSupport.get(name);
    return callTool(connection.session, name, args, {
      timeout: options.timeoutMs,
      signal: options.signal,
      ...(options.onProgress ? { onprogress: options.onProgress } : {}),
      ...(options.onStatus ? { onstatus: options.onStatus } : {}),
      ...(taskSupport ? { taskSupport } : {}),
    }).then(checkCallResult);
  }

  /** A pass-through request (resources/*, prompts/*, completion/complete). Rejects like callTool. */
  request(method: string, params: Record<string, unknown>, options: RequestOptions): Promise<Record<string, unknown>> {
    const connection = this.connection;
    if (!connection || this.currentState !== 'ready') {
      return Promise.reject(new McpConnectionError('closed', `the MCP server is ${this.currentState}`));
    }
    return connection.session.request(method, params, { timeout: options.timeoutMs, signal: options.signal });
  }

  /** Closes the connection (stdin close → SIGTERM → SIGKILL for a child). Never throws. */
  async close(): Promise<void> {
    this.setState('closed');
    const connection = this.connection;
    this.connection = undefined;
    this.removeAllListeners('catalog');
    this.removeAllListeners('notification');
    await connection?.close();
  }
}

function taskSupportOf(catalog: ToolCatalog | undefined): Map<string, 'required' | 'optional' | 'forbidden'> {
  const out = new Map<string, 'required' | 'optional' | 'forbidden'>();
  for (const tool of catalog?.tools ?? []) if (tool.execution?.taskSupport) out.set(tool.name, tool.execution.taskSupport);
  return out;
}

/**
 * A tools/call result as far as the adapter reads it (content array, structuredContent object, isError
 * boolean); the mapping copes with odd content items itself. Anything else is a malformed result (→ 502).
 */
export function checkCallResult(result: Record<string, unknown>): ToolResultLike {
  const { content, structuredContent, isError } = result;
  if (content !== undefined && !Array.isArray(content)) throw new MalformedMessageError('tools/call result "content" is not an array');
  if (structuredContent !== undefined && !isObject(structuredContent)) {
    throw new MalformedMessageError('tools/call result "structuredContent" is not an object');
  }
  if (isError !== undefined && typeof isError !== 'boolean') throw new MalformedMessageError('tools/call result "isError" is not a boolean');
  return result as ToolResultLike;
}
