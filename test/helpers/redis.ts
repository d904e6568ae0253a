/**
 * A real redis-server (the Debian package) for a test file: on a free port of 127.0.0.1, in a temporary
 * directory, tagged with the file's mark, stopped by the test (afterAll) even when it fails. Redis cannot listen
 * on port 0 and print the port, so a port is picked by binding 0 first.
 * Not installed → the test fails with the command that installs it (no skipping).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cli.js';
import { MARK_VAR } from './processes.js';

export interface RedisServer {
  port: number;
  url: string;
  /** Stops it (SIGTERM: with `persist`, Redis writes its data first), waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
  output(): string;
}

/** Fails with an install hint when the binary is missing. */
export function requireBinary(name: string, pkg = name): string {
  // nginx lives in /usr/sbin, which a non-root PATH may leave out
  const found = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin"; command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(`${name} not found: apt-get install ${pkg} (.ci/run does)`);
  return path;
}

export async function startRedis(options: { mark: string; persist?: boolean }): Promise<RedisServer> {
  const binary = requireBinary('redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', options.persist ? '3600 1' : '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--logfile', '',
    '--databases', '1',
  ];
  const start = async (): Promise<void> => {
    const proc = spawn(binary, args, { env: { ...process.env, [MARK_VAR]: options.mark }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${output}`)), 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) before it was ready: ${output}`));
      });
    });
    output = '';
    await ready;
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    output: () => output,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
