/** Replicas of the built CLI (`serve`) for the scale-out tests, each tagged with the file's mark and stopped after. */
import { spawn, type ChildProcess } from 'node:child_process';
import { MARK_VAR } from '../helpers/processes.js';
import { request, stopChild, type Answer } from './serve-helpers.js';

export const LONG = 'fixtures/servers/long-running.mjs';
export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
export type User = (typeof USERS)[number];
export const KEYS = Object.fromEntries(USERS.map((u) => [u, `${u}-key-0123456789abcdef`])) as Record<User, string>;
export const as = (user: User) => ({ authorization: `Bearer ${KEYS[user]}` });
export const AS_ALICE = as('alice');
export const AS_BOB = as('bob');

export interface Replica {
  child: ChildProcess;
  url: string;
  port: number;
  stderr(): string;
  exit: Promise<number | null>;
  stop(): Promise<void>;
}

/** `serve --port 0 …args -- node …server` (bearer auth, one key per user); resolves once it listens. */
export async function startReplica(mark: string, args: string[], server: string[] = [LONG], children: ChildProcess[] = []): Promise<Replica> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--auth', 'bearer', ...args, '--', process.execPath, ...server], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MCP_ACTIONS_API_KEY: Object.values(KEYS).join('\n'), MCP_ACTIONS_REDIS_URL: '', [MARK_VAR]: mark },
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, port: Number(new URL(url).port), stderr: () => err, exit, stop: () => stopChild(child) };
}

/** Calls `sleep` (the long-running fixture) as alice, or as whoever `headers` say. */
export function sleepCall(base: string, ms: number, headers: Record<string, string> = AS_ALICE, tag?: string): Promise<Answer> {
  return request(`${base}/tools/sleep`, { method: 'POST', json: { ms, ...(tag ? { tag } : {}) }, headers });
}

/** Polls `check` every 50 ms until it returns true or `ms` pass. */
export async function until(check: () => Promise<boolean> | boolean, ms = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many lines of `text` contain `needle`. */
export function count(text: string, needle: string): number {
  return text.split('\n').filter((l) => l.includes(needle)).length;
}
