/** Running the built CLI (dist/cli.js) and the servers e2e tests talk to, all tagged for leak checks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MARK_VAR } from './processes.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/servers/', import.meta.url));
export const EVERYTHING = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);

/** A fresh marker for one test file: every process it starts carries it in its environment. */
export function newMark(): string {
  return randomUUID();
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  mark: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the CLI after this long (a test bug guard, not a feature under test). */
  killAfterMs?: number;
}

/** Runs `node dist/cli.js ...args` to completion. */
export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env, [MARK_VAR]: options.mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const guard = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 100_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves once something accepts TCP connections on the port; fails early if `proc` (the server) exits. */
export async function waitForPort(port: number, options: { timeoutMs?: number; proc?: ServerProcess } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const proc = options.proc?.child;
    if (proc && (proc.exitCode !== null || proc.signalCode !== null)) {
      throw new Error(`the server exited (${proc.exitCode ?? proc.signalCode}) before listening: ${options.proc!.output()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** Sends SIGTERM, then SIGKILL after a second; resolves when the process is gone. */
  stop(): Promise<void>;
  output(): string;
}

/** Starts a long-running server process for a test file, tagged with the mark. */
export function startProcess(argv: string[], options: { mark: string; env?: Record<string, string> }): ServerProcess {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...options.env, [MARK_VAR]: options.mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Starts a server that prints its URL on stdout (fixtures/servers/http.mjs) and waits for that URL. */
export async function startUrlServer(
  argv: string[],
  options: { mark: string; timeoutMs?: number },
): Promise<ServerProcess & { url: string }> {
  const proc = startProcess(argv, options);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${proc.output()}`)), options.timeoutMs ?? 60_000);
    proc.child.stdout!.on('data', () => {
      const m = /https?:\/\/\S+/.exec(proc.output());
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    proc.child.once('exit', (code) => reject(new Error(`server exited (${code}): ${proc.output()}`)));
  }).catch(async (error: unknown) => {
    await proc.stop();
    throw error;
  });
  return { ...proc, url };
}
