/**
 * `serve --per-user` as a user runs it (the built CLI, spawned): each credential gets its own MCP server, with its
 * own environment (`--user-env`) or headers (`--user-header`); server-memory keeps one knowledge graph per user;
 * the pool is bounded (max users, least recently used first, 503 when all are busy, idle ones closed); one
 * user's crash leaves the others alone; nothing is started for a refused credential; nothing is left at stop.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startUrlServer, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses, MARK_VAR } from '../helpers/processes.js';
import { serveCli, type Served } from './mcp-face-helpers.js';
import { MEMORY, callTool, request } from './serve-helpers.js';

const MARK = 'per-user-e2e';
const FIXTURE = 'fixtures/servers/per-user.mjs';
const KEYS = { alice: 'alice-key-0123456789', bob: 'bob-key-0123456789', carol: 'carol-key-0123456789' };
const env = { MCP_ACTIONS_API_KEY: Object.values(KEYS).join('\n'), [MARK_VAR]: MARK };
const as = (who: keyof typeof KEYS) => ({ Authorization: `Bearer ${KEYS[who]}` });
const running: (Served | ServerProcess)[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'mcp-actions-per-user-'));

async function serve(args: string[], upstream: string[]): Promise<Served> {
  const served = await serveCli(['--auth', 'bearer', '--per-user', '--log-level', 'info', ...args], upstream, env);
  running.push(served);
  return served;
}

const whoami = async (url: string, who: keyof typeof KEYS) => {
  const a = await callTool(url, 'whoami', {}, as(who));
  expect(a.status, a.text).toBe(200);
  return a.body as { pid: number; env: Record<string, string> };
};
const users = async (url: string) => (await request(`${url}/readyz`)).body.users as number;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(await leftoverProcesses([MARK])).toEqual([]);
});

describe('server-memory with --user-env MEMORY_FILE_PATH=<dir>/{user}.jsonl', () => {
  it("keeps each user's knowledge graph apart, in a file named by a hash (never the key)", async () => {
    const dir = join(scratch, 'memory');
    mkdirSync(dir);
    const served = await serve(['--user-env', `MEMORY_FILE_PATH=${dir}/{user}.jsonl`], [process.execPath, MEMORY]);
    const { url } = served;
    const entity = { name: 'Alice_Secret', entityType: 'note', observations: ['only alice knows'] };
    const created = await callTool(url, 'create_entities', { entities: [entity] }, as('alice'));
    expect(created.status, created.text).toBe(200);
    const bobs = await callTool(url, 'read_graph', {}, as('bob'));
    expect(bobs.status).toBe(200);
    expect(bobs.text).not.toContain('Alice_Secret');
    const alices = await callTool(url, 'read_graph', {}, as('alice'));
    expect(alices.text).toContain('Alice_Secret');
    expect(await users(url)).toBe(2);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1); // bob only read: server-memory writes on change
    expect(files[0]).toMatch(/^u-[A-Za-z0-9_-]{22}\.jsonl$/);
    expect(served.stderr()).not.toContain(KEYS.alice);
    expect(served.stderr()).toMatch(/"msg":"user upstream started"/);
  });
});

describe('a stdio server that echoes its environment', () => {
  let served: Served;
  it('gets {user} and {token} of its own caller, one process per user', async () => {
    served = await serve(['--user-env', 'ECHO_USER={user}', '--user-env', 'ECHO_TOKEN={token}', '--user-env', 'ECHO_FIXED=x-{user}-y'], [process.execPath, FIXTURE]);
    const a = await whoami(served.url, 'alice');
    const b = await whoami(served.url, 'bob');
    expect(a.env.ECHO_TOKEN).toBe(KEYS.alice);
    expect(b.env.ECHO_TOKEN).toBe(KEYS.bob);
    expect(a.env.ECHO_USER).toMatch(/^u-[A-Za-z0-9_-]{22}$/);
    expect(a.env.ECHO_USER).not.toBe(b.env.ECHO_USER);
    expect(a.env.ECHO_FIXED).toBe(`x-${a.env.ECHO_USER}-y`);
    expect(a.pid).not.toBe(b.pid);
    expect((await whoami(served.url, 'alice')).pid).toBe(a.pid);
    const ready = await request(`${served.url}/readyz`);
    expect(ready.body).toMatchObject({ status: 'ready', users: 2, maxUsers: 50 });
    expect(served.stderr()).not.toContain(KEYS.bob);
  });

  it('starts nothing for a missing or wrong credential', async () => {
    const before = await users(served.url);
    expect((await callTool(served.url, 'whoami', {})).status).toBe(401);
    expect((await callTool(served.url, 'whoami', {}, { Authorization: 'Bearer carol-key-wrong' })).status).toBe(401);
    expect(await users(served.url)).toBe(before);
  });

  it("survives one user's crash: the others keep their server, the crashed one comes back", async () => {
    const a = await whoami(served.url, 'alice');
    const b = await whoami(served.url, 'bob');
    const crashed = await callTool(served.url, 'crash', {}, as('alice'));
    expect(crashed.status).toBe(502);
    expect((await whoami(served.url, 'bob')).pid).toBe(b.pid);
    await until(async () => (await callTool(served.url, 'whoami', {}, as('alice'))).status === 200, 'respawned');
    const again = await whoami(served.url, 'alice');
    expect(again.pid).not.toBe(a.pid);
    expect(again.env.ECHO_TOKEN).toBe(KEYS.alice);
  });

  it('ends every user process at stop', async () => {
    const pids = [(await whoami(served.url, 'alice')).pid, (await whoami(served.url, 'bob')).pid];
    await served.stop();
    await until(() => pids.every((pid) => !alive(pid)), 'gone', 5000);
  });
});

describe('bounds', () => {
  it('--max-users 2: the least recently used idle user makes room; when all are busy a new user gets 503', async () => {
    const { url } = await serve(['--max-users', '2', '--user-env', 'ECHO_TOKEN={token}'], [process.execPath, FIXTURE]);
    const a = await whoami(url, 'alice');
    const b = await whoami(url, 'bob');
    await whoami(url, 'alice'); // bob is now the least recently used
    const c = await whoami(url, 'carol');
    expect(await users(url)).toBe(2);
    await until(() => !alive(b.pid), 'evicted');
    expect(alive(a.pid)).toBe(true);
    expect(alive(c.pid)).toBe(true);
    // both live users busy: a third one is refused, nothing is started for it
    const busy = [callTool(url, 'sleep', { ms: 1500 }, as('alice')), callTool(url, 'sleep', { ms: 1500 }, as('carol'))];
    await new Promise((r) => setTimeout(r, 200));
    const refused = await callTool(url, 'whoami', {}, as('bob'));
    expect(refused.status).toBe(503);
    expect(refused.body.error.type).toBe('overloaded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await Promise.all(busy)).map((r) => r.status)).toEqual([200, 200]);
    expect((await whoami(url, 'bob')).env.ECHO_TOKEN).toBe(KEYS.bob);
  });

  it('--user-idle-timeout: an idle user\'s server is closed', async () => {
    const served = await serve(['--user-idle-timeout', '1000'], [process.execPath, FIXTURE]);
    const a = await whoami(served.url, 'alice');
    expect(await users(served.url)).toBe(1);
    await until(async () => (await users(served.url)) === 0, 'closed');
    await until(() => !alive(a.pid), 'gone');
    expect(served.stderr()).toMatch(/"reason":"idle"/);
    expect((await whoami(served.url, 'alice')).pid).not.toBe(a.pid);
  });
});

describe('an HTTP server with --user-header', () => {
  it('each user has their own connection, with their own headers', async () => {
    const upstream = await startUrlServer([process.execPath, FIXTURE, '--http'], { mark: MARK });
    running.push(upstream);
    const served = await serveCli(
      ['--auth', 'bearer', '--per-user', '--url', upstream.url, '--user-header', 'X-Echo-User: {user}', '--user-header', 'Authorization: Bearer {token}'],
      [],
      env,
    );
    running.push(served);
    const a = (await callTool(served.url, 'whoami', {}, as('alice'))).body as { session: string; headers: Record<string, string> };
    const b = (await callTool(served.url, 'whoami', {}, as('bob'))).body as { session: string; headers: Record<string, string> };
    expect(a.headers.authorization).toBe(`Bearer ${KEYS.alice}`);
    expect(b.headers.authorization).toBe(`Bearer ${KEYS.bob}`);
    expect(a.headers['x-echo-user']).toMatch(/^u-/);
    expect(a.headers['x-echo-user']).not.toBe(b.headers['x-echo-user']);
    expect(a.session).not.toBe(b.session);
  });
});

describe('refused at start (exit 2, one line)', () => {
  it.each([
    [['--per-user'], /--per-user needs an auth scheme/],
    [['--user-env', 'A={user}'], /--user-env needs --per-user/],
    [['--auth', 'bearer', '--per-user', '--user-env', 'A={users}'], /unknown placeholder \{users\}/],
    [['--auth', 'bearer', '--per-user', '--user-header', 'X-A: {user}'], /--user-header sets an HTTP server's headers/],
    [['--auth', 'bearer', '--per-user', '--max-users', '0'], /--max-users "0" is not an integer/],
  ])('%j', async (args, message) => {
    const r = await runCli(['serve', '--port', '0', ...args, '--', process.execPath, FIXTURE], { mark: MARK, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
