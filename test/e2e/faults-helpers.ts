/** Helpers for the fault, load and shutdown tests: a supervised, limited adapter on 127.0.0.1:0, or the built CLI's. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createAdapter, type Adapter, type AdapterOptions } from '../../src/adapter/app.js';
import { InflightLimiter, type InflightLimits } from '../../src/adapter/inflight.js';
import { listen, type Listening, type ServerTimeouts } from '../../src/adapter/listen.js';
import { SupervisedUpstream, type SupervisorOptions } from '../../src/adapter/supervisor.js';
import type { Target } from '../../src/mcp/target.js';
import { CLI } from '../helpers/cli.js';

export const FAULT_SERVER = 'fixtures/servers/fault-server.mjs';

export interface Supervised {
  url: string;
  supervisor: SupervisedUpstream;
  limiter: InflightLimiter;
  adapter: Adapter;
  listening: Listening;
  close(): Promise<void>;
}

export interface SupervisedOptions {
  supervisor?: SupervisorOptions;
  limits?: InflightLimits;
  adapter?: Partial<Omit<AdapterOptions, 'upstream'>>;
  timeouts?: ServerTimeouts;
}

export async function startSupervised(target: Target, options: SupervisedOptions = {}): Promise<Supervised> {
  const supervisor = await SupervisedUpstream.start(target, { timeoutMs: 20_000, baseEnv: process.env, pingIntervalMs: 0, ...options.supervisor });
  try {
    const limiter = new InflightLimiter(supervisor, options.limits);
    const adapter = createAdapter({ specOptions: { profile: 'generic' }, ...options.adapter, upstream: limiter });
    const listening = await listen(adapter.handler, 0, '127.0.0.1', options.timeouts);
    adapter.republish({ serverUrl: listening.url });
    return {
      url: listening.url,
      supervisor,
      limiter,
      adapter,
      listening,
      close: async () => {
        adapter.dispose();
        listening.server.closeAllConnections();
        await listening.close();
        await supervisor.close();
      },
    };
  } catch (error) {
    await supervisor.close();
    throw error;
  }
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pending JSON-RPC requests of the live connection (the session keeps one entry per request). */
export function pendingRequests(supervisor: SupervisedUpstream): number {
  const session = (supervisor.info as { session?: { pendingCount: number } } | undefined)?.session;
  return session?.pendingCount ?? -1;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `serve --port 0 --log-level silent …args` of the built CLI; resolves once it printed its URL. */
export async function startServeCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'silent', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /^(http:\/\/127\.0\.0\.1:\d+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, url };
}

/** A process's resident memory in MB (VmRSS). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}
