/**
 * The stdio transport: spawns the server, frames newline-delimited JSON-RPC on its stdout, and writes to its
 * stdin. Behaves as the SDK's StdioClientTransport (same spawn, same close sequence: stdin end → 2 s → SIGTERM →
 * 2 s → SIGKILL, same safe environment inherited when none is given) and adds what the adapter needs:
 * - the child's exit status is kept ("exited with code 1", "was killed by SIGKILL");
 * - writes are corked per event-loop turn: every message sent in one turn (the calls of 32 concurrent HTTP
 *   requests) reaches the child in one write syscall;
 * - a line is parsed once (JSON.parse; no schema); a message over `maxMessageBytes` is never buffered: it is
 *   skipped, scanned only for its id (./oversized.ts) so the session fails the one request it answers, and the
 *   server goes on (a stateful server keeps its state, the other calls their answers);
 * - partial lines are kept as a list of chunks and joined once, not re-concatenated per chunk;
 * - the child runs in a process group of its own, and closing stops the whole group (./process-group.ts), so a
 *   server behind `sh -c`, `npx` or `uv run` does not outlive its wrapper.
 */
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import spawn from 'cross-spawn';
import { MalformedMessageError, type JsonRpcMessage, type SessionTransport } from './json-rpc.js';
import { IdScanner, scanOversized, type OversizedMessage } from './oversized.js';
import { groupSpawnOptions, stopGroup, trackGroup } from './process-group.js';

/**
 * Messages that may wait for a server that is not reading its stdin. Calls are bounded by --max-inflight (64)
 * and each adds a request and maybe a cancellation; thousands are the answers to a server's own request flood.
 */
const MAX_QUEUED_MESSAGES = 4096;

/** The server stopped reading its stdin while messages kept coming: the connection is closed (then restarted). */
export class StdinBacklogError extends Error {
  override readonly name = 'StdinBacklogError';
}

/** The SDK's default bound for one message (10 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Inherited when no environment is given (the SDK's list, after sudo's). */
const SAFE_ENV_VARS =
  process.platform === 'win32'
    ? ['APPDATA', 'HOMEDRIVE', 'HOMEPATH', 'LOCALAPPDATA', 'PATH', 'PROCESSOR_ARCHITECTURE', 'SYSTEMDRIVE', 'SYSTEMROOT', 'TEMP', 'USERNAME', 'USERPROFILE', 'PROGRAMFILES']
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];

export interface StdioTransportOptions {
  command: string;
  args?: string[];
  /** Added to the safe inherited variables (HOME, PATH, …), as the SDK does. */
  env?: Record<string, string>;
  cwd?: string;
  maxMessageBytes?: number;
  /**
   * Bytes waiting to be read by the server on its stdin before it counts as wedged (default: 4 × maxMessageBytes,
   * room for --max-inflight calls with large arguments to a server that reads slowly).
   */
  maxQueuedBytes?: number;
}

const NEWLINE = 0x0a;

export class StdioTransport implements SessionTransport {
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onoversized?: (message: OversizedMessage) => void;
  /** How the child ended, once it has. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** The child's stderr; listeners may attach before start(). */
  readonly stderr = new PassThrough();

  private child?: ChildProcess;
  private childPid?: number;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Reading the rest of a message over the bound, for its id only. */
  private skipping?: IdScanner;
  private corked = false;
  /** One promise for every writer waiting on 'drain'; `settle` ends it (also when the connection closes). */
  private drained?: { promise: Promise<void>; settle: (error?: Error) => void };
  /** Messages written while stdin was over its high-water mark, since it last drained. */
  private queuedWhileBlocked = 0;
  private readonly maxMessageBytes: number;
  private readonly maxQueuedBytes: number;

  constructor(private readonly options: StdioTransportOptions) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 4 * this.maxMessageBytes;
  }

  get pid(): number | undefined {
    return this.childPid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('StdioTransport already started');
    return new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const key of SAFE_ENV_VARS) {
        const value = process.env[key];
        if (value !== undefined && !value.startsWith('()')) env[key] = value;
      }
      Object.assign(env, this.options.env);
      const child = spawn(this.options.command, this.options.args ?? [], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: process.platform === 'win32',
        cwd: this.options.cwd,
        ...groupSpawnOptions(),
      });
      this.child = child;
      this.childPid = child.pid;
      trackGroup(child);
      child.on('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => resolve());
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
      });
      child.on('close', () => {
        this.child = undefined;
        this.drained?.settle(new Error('Not connected'));
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stderr?.pipe(this.stderr);
    });
  }

  /** Splits stdout into lines; each complete line is one message. */
  private read(chunk: Buffer): void {
    let start = 0;
    if (this.skipping) {
      // The rest of a message over the bound: scanned for its id, never kept.
      const end = chunk.indexOf(NEWLINE);
      if (end === -1) {
        this.skipping.feed(chunk);
        return;
      }
      this.skipping.feed(chunk, 0, end);
      const skipped = this.skipping.result(this.maxMessageBytes);
      this.skipping = undefined;
      this.reportOversized(skipped);
      if (!this.child) return;
      start = end + 1;
    }
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      if (this.partialBytes > 0) {
        this.partial.push(chunk.subarray(start, newline));
        const line = Buffer.concat(this.partial, this.partialBytes + newline - start);
        this.partial = [];
        this.partialBytes = 0;
        this.deliver(line, 0, line.length);
      } else {
        this.deliver(chunk, start, newline);
      }
      if (!this.child) return; // closed by a handler
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.partial.push(start === 0 ? chunk : chunk.subarray(start));
      this.partialBytes += chunk.length - start;
      if (this.partialBytes > this.maxMessageBytes) {
        // Over the bound before its end: from here on it is only scanned for its id (memory stays bounded).
        this.skipping = new IdScanner();
        for (const piece of this.partial) this.skipping.feed(piece);
        this.partial = [];
        this.partialBytes = 0;
      }
    }
  }

  private deliver(buffer: Buffer, from: number, to: number): void {
    if (to - from > this.maxMessageBytes) {
      this.reportOversized(scanOversized(buffer, from, to, this.maxMessageBytes));
      return;
    }
    const text = buffer.toString('utf8', from, to > from && buffer[to - 1] === 0x0d ? to - 1 : to);
    if (text.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.onerror?.(new MalformedMessageError(`the server wrote a line that is not JSON on stdout: ${text.length > 120 ? `${text.slice(0, 117)}…` : text}`));
      return;
    }
    try {
      this.onmessage?.(message as JsonRpcMessage);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A message skipped for its size: the session fails the request it answers; the connection goes on. */
  private reportOversized(message: OversizedMessage): void {
    if (this.onoversized) this.onoversized(message);
    else this.onerror?.(new Error(`skipped a message of ${message.bytes} bytes from the server, over the limit of ${message.limit} bytes`));
  }

  /**
   * Resolves once the message is buffered below the high-water mark, else on 'drain'. The first message of a
   * turn corks stdin and a setImmediate uncorks it, after the poll phase has run every ready request callback.
   */
  send(message: JsonRpcMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin) return Promise.reject(new Error('Not connected'));
    // A server that stops reading its stdin (while it keeps talking: a flood of server→client requests whose
    // answers pile up here) would grow this queue without bound: past the bound it is treated as wedged.
    if (stdin.writableNeedDrain) this.queuedWhileBlocked += 1;
    if (stdin.writableLength > this.maxQueuedBytes || this.queuedWhileBlocked > MAX_QUEUED_MESSAGES) {
      const error = new StdinBacklogError(
        `the MCP server is not reading its stdin (${this.queuedWhileBlocked} messages, ${stdin.writableLength} bytes waiting for it); restarting it`,
      );
      this.onerror?.(error);
      void this.close();
      return Promise.reject(error);
    }
    const json = `${JSON.stringify(message)}\n`;
    if (!this.corked && !stdin.writableEnded) {
      this.corked = true;
      stdin.cork();
      setImmediate(() => {
        this.corked = false;
        stdin.uncork();
      });
    }
    if (stdin.write(json)) return Promise.resolve();
    // One 'drain' listener for every writer waiting on it (not one each: thousands would wait in a flood).
    if (!this.drained) {
      let settle!: (error?: Error) => void;
      const promise = new Promise<void>((resolve, reject) => {
        settle = (error) => {
          stdin.off('drain', onDrain);
          if (this.drained?.promise === promise) this.drained = undefined;
          if (error) reject(error);
          else resolve();
        };
      });
      const onDrain = () => {
        this.queuedWhileBlocked = 0;
        settle();
      };
      stdin.once('drain', onDrain);
      this.drained = { promise, settle };
    }
    return this.drained.promise;
  }

  /**
   * stdin end → up to 2 s → SIGTERM → up to 2 s → SIGKILL (the SDK's sequence), to the child's whole process
   * group: done when nothing of the group is left. Never throws.
   */
  async close(): Promise<void> {
    const child = this.child;
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = undefined;
    this.drained?.settle(new Error('Not connected'));
    this.queuedWhileBlocked = 0;
    if (!child) return;
    this.child = undefined;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    await stopGroup(child);
    // The pipes close right after the last process holding them is gone: let 'close' (and onclose) run first.
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]);
  }
}
