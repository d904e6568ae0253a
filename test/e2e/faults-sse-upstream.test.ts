/**
 * A legacy HTTP+SSE upstream (2024-11-05 transport) that misbehaves (fixtures/servers/sse-misbehave.mjs), behind
 * the built CLI (`serve --transport sse --url …/sse`), through the lean transport (src/mcp/legacy-sse-transport.ts):
 * a 16 MB answer event (16 × --max-message-bytes), progress that never ends, a hang, a POST that hangs, a comment drip, an answer that is not
 * JSON, HTTP 500 on the POST. Each call answers 502/504 in the error shape (never 500), the adapter's RSS stays
 * within +100 MB, a bystander's calls made meanwhile succeed, the session is never restarted (one initialize).
 * A stream that is cut or ended fails the calls waiting on it (502) and a new session serves the next call.
 * Timed-out calls free their sockets and are cancelled upstream. Then, in process: failures before the endpoint
 * (hang, drip, another origin, 500, HTML) fail the connection with a clear error within the timeout; progress and
 * list_changed arrive over the stream; a new stream that is slow to come is tried again; a stream stuck mid-event
 * is restarted by the ping; a server that goes away is reconnected by the supervisor; real servers
 * (server-everything's `sse` mode, the SDK's SSEServerTransport behind a bearer token) work through it; and a
 * config file's `"type": "sse"` entry takes the same path.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/mcp/connect.js';
import { LegacySseTransport } from '../../src/mcp/legacy-sse-transport.js';
import { McpConnectionError } from '../../src/errors.js';
import { EVERYTHING, FIXTURES, freePort, newMark, startProcess, startUrlServer, waitForPort, type ServerProcess } from '../helpers/cli.js';
import { leftoverProcesses } from '../helpers/processes.js';
import { rssMb, startServeCli, startSupervised, type Supervised } from './faults-helpers.js';
import { callTool, request, stopChild } from './serve-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const FIXTURE = `${FIXTURES}sse-misbehave.mjs`;
const mark = newMark();

afterAll(async () => {
  // every server this file started is gone
  expect(await leftoverProcesses([mark], { descendants: true })).toEqual([]);
});

interface Stats {
  open: number;
  pending: number;
  initializes: number;
  sessions: number;
  cancelled: (string | number)[];
}

async function stats(fixture: { url: string }): Promise<Stats> {
  return (await request(fixture.url.replace(/\/sse$/, '/stats'))).body as Stats;
}


describe('serve --transport sse in front of a misbehaving legacy SSE server', () => {
  let fixture: ServerProcess & { url: string };
  let adapter: { child: ChildProcess; url: string };
  let baseline: number;
  beforeAll(async () => {
    fixture = await startUrlServer([process.execPath, FIXTURE], { mark });
    // A budget that leaves room for the bystanders queued behind the huge answer on a busy machine.
    const args = ['--no-async', '--call-timeout', '6000', '--ping-interval', '0', '--max-message-bytes', String(1024 * 1024), '--transport', 'sse', '--url', fixture.url];
    adapter = await startServeCli(args);
    for (let i = 0; i < 20; i++) expect((await callTool(adapter.url, 'echo', { id: `warm${i}` })).status).toBe(200);
    baseline = rssMb(adapter.child.pid!);
  });
  afterAll(async () => {
    if (adapter) await stopChild(adapter.child);
    await fixture?.stop();
  });

  const cases: [string, Record<string, unknown>, number, string][] = [
    // 16 times the bound (a busy 2-core machine must get it through within the budget). All answers share the one
    // stream: the bystanders wait behind it (they do not fail).
    ['huge', { mb: 16 }, 502, 'response_too_large'],
    ['endless', {}, 504, 'upstream_timeout'],
    ['hang', {}, 504, 'upstream_timeout'],
    ['posthang', {}, 504, 'upstream_timeout'],
    ['drip', {}, 504, 'upstream_timeout'],
    ['garbage', {}, 502, 'upstream_error'],
    ['error500', {}, 502, 'upstream_error'],
  ];
  for (const [tool, args, status, type] of cases) {
    it(`${tool}: ${status} ${type}, bounded memory, a bystander served meanwhile, the same session`, async () => {
      const call = callTool(adapter.url, tool, args);
      await new Promise((r) => setTimeout(r, 50));
      const bystanders = await Promise.all([1, 2, 3].map((i) => callTool(adapter.url, 'echo', { id: `${tool}-${i}` })));
      const answer = await call;
      expect(answer.status, answer.text).toBe(status);
      expect(answer.body.error.type).toBe(type);
      for (const [i, b] of bystanders.entries()) expect(b.body).toEqual({ id: `${tool}-${i + 1}` });
      expect(rssMb(adapter.child.pid!) - baseline).toBeLessThan(100);
      expect((await callTool(adapter.url, 'echo', { id: 'after' })).status).toBe(200);
      expect((await stats(fixture)).initializes).toBe(1);
    });
  }

  it('an event that is not JSON and carries no id is skipped; the call still gets its answer', async () => {
    const answer = await callTool(adapter.url, 'noise', { id: 'through' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 'through' });
  });

  it('timed-out calls free their sockets and are cancelled upstream; idle sockets stay bounded', async () => {
    const before = (await stats(fixture)).cancelled.length;
    // 12 POSTs that never answer, each on a socket of its own: all closed after the 504s (the server sees no
    // request left but the event stream and this stats request).
    const hung = await Promise.all(Array.from({ length: 12 }, () => callTool(adapter.url, 'posthang', {})));
    expect(hung.map((a) => a.status)).toEqual(Array(12).fill(504));
    await expect.poll(async () => (await stats(fixture)).pending, { timeout: 5000, interval: 50 }).toBeLessThanOrEqual(2);
    await expect.poll(async () => (await stats(fixture)).cancelled.length, { timeout: 5000, interval: 50 }).toBeGreaterThanOrEqual(before + 12);
    // the POST pool's bound (64) + the stream + this request
    expect((await stats(fixture)).open).toBeLessThanOrEqual(66);
    expect(rssMb(adapter.child.pid!) - baseline).toBeLessThan(100);
  });

  it('a client that hangs up: its call is cancelled upstream before the call budget runs out', async () => {
    const before = (await stats(fixture)).cancelled.length;
    const t0 = performance.now();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(150) };
    await fetch(`${adapter.url}/tools/hang`, init).catch(() => undefined);
    await expect.poll(async () => (await stats(fixture)).cancelled.length, { timeout: 5000, interval: 20 }).toBe(before + 1);
    expect(performance.now() - t0).toBeLessThan(4000); // well before the 6 s call timeout
  });

  for (const tool of ['reset', 'ended']) {
    it(`${tool}: the stream is lost mid-call → 502; a new session serves the next call, the old one is gone`, async () => {
      const before = (await stats(fixture)).initializes;
      const answer = await callTool(adapter.url, tool, {});
      expect(answer.status, answer.text).toBe(502);
      expect(answer.body.error.type).toBe('upstream_error');
      const next = await callTool(adapter.url, 'echo', { id: `after-${tool}` });
      expect(next.status, next.text).toBe(200);
      expect(next.body).toEqual({ id: `after-${tool}` });
      const after = await stats(fixture);
      expect(after.initializes).toBe(before + 1);
      expect(after.sessions).toBe(1);
      expect((await request(`${adapter.url}/readyz`)).status).toBe(200);
    });
  }
});

describe('legacy SSE failures before the endpoint fail the connection, within the timeout', () => {
  let fixture: ServerProcess & { url: string };
  beforeAll(async () => {
    fixture = await startUrlServer([process.execPath, FIXTURE], { mark });
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  const cases: [string, McpConnectionError['kind'], RegExp][] = [
    ['/hang-headers', 'timeout', /no answer from .* within 800 ms/],
    ['/hang-endpoint', 'timeout', /no answer from .* within 800 ms \(its event stream named no endpoint\)/],
    ['/drip-endpoint', 'timeout', /no answer from .* within 800 ms \(its event stream named no endpoint\)/],
    ['/foreign', 'protocol', /named its message endpoint on another origin \(http:\/\/localhost:\d+\); requests and their headers are not sent there/],
    ['/error500', 'http', /failed with HTTP 500/],
    ['/html', 'protocol', /with an HTML page, not MCP/],
    ['/end-early', 'protocol', /ended before naming its endpoint/],
  ];
  for (const [path, kind, message] of cases) {
    it(`${path}: ${kind}`, async () => {
      const url = fixture.url.replace(/\/sse$/, path);
      const t0 = performance.now();
      const failed = await connect({ kind: 'http', url, headers: {}, transport: 'sse' }, { leanHttp: true, timeoutMs: 800 }).then(
        async (c) => {
          await c.close();
          throw new Error('connected');
        },
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(McpConnectionError);
      expect((failed as McpConnectionError).kind).toBe(kind);
      expect((failed as Error).message).toMatch(message);
      expect(performance.now() - t0).toBeLessThan(3000);
      // nothing left open: the server sees only this stats request
      await expect.poll(async () => (await stats(fixture)).pending, { timeout: 3000, interval: 50 }).toBe(1);
    });
  }
});

describe('what works over the lean legacy SSE transport', () => {
  let fixture: ServerProcess & { url: string };
  let s: Supervised;
  beforeAll(async () => {
    fixture = await startUrlServer([process.execPath, FIXTURE], { mark });
    s = await startSupervised({ kind: 'http', url: fixture.url, headers: {}, transport: 'sse' });
  });
  afterAll(async () => {
    await s?.close();
    await fixture?.stop();
  });

  it('is the lean transport', () => {
    expect(s.supervisor.info?.transport).toBe('sse');
    expect((s.supervisor.info?.session as { transport: unknown }).transport).toBeInstanceOf(LegacySseTransport);
  });

  it('progress on the stream reaches the caller', async () => {
    const seen: number[] = [];
    const result = await s.supervisor.callTool('progress', { steps: 3 }, { timeoutMs: 5000, onProgress: (p) => seen.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: '3 steps' }]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('list_changed on the stream updates the routes', async () => {
    expect((await callTool(s.url, 'added_tool', {})).status).toBe(404);
    expect((await callTool(s.url, 'grow', { name: 'added_tool' })).status).toBe(200);
    await expect.poll(() => s.supervisor.catalog.tools.some((t) => t.name === 'added_tool'), { timeout: 5000 }).toBe(true);
  });

  it('a new stream that does not come at once is tried again: no restart, the next call goes through', async () => {
    const fast = await startSupervised({ kind: 'http', url: fixture.url, headers: {}, transport: 'sse' }, { supervisor: { timeoutMs: 1000 } });
    const downs: unknown[] = [];
    fast.supervisor.on('down', (e) => downs.push(e));
    try {
      const before = (await stats(fixture)).initializes;
      expect((await callTool(fast.url, 'ended_stall', {})).status).toBe(502);
      // the first GET for a new stream hangs (1 s timeout), the second one works
      const next = await callTool(fast.url, 'echo', { id: 'after-stall' });
      expect(next.status, next.text).toBe(200);
      expect((await stats(fixture)).initializes).toBe(before + 1);
      expect(downs).toEqual([]);
      expect(fast.supervisor.state).toBe('ready');
    } finally {
      await fast.close();
    }
  });

  it('a stream stuck mid-event: its calls fail (502/504) until the ping restarts the connection; then they work', async () => {
    const pinged = await startSupervised({ kind: 'http', url: fixture.url, headers: {}, transport: 'sse' }, {
      supervisor: { pingIntervalMs: 300, pingTimeoutMs: 300 },
      adapter: { limits: { callTimeoutMs: 1000 } },
    });
    try {
      const before = (await stats(fixture)).initializes;
      const wedged = await callTool(pinged.url, 'wedge', {});
      expect([502, 503, 504]).toContain(wedged.status);
      expect(wedged.body.error.type).toMatch(/^upstream_/);
      await expect.poll(async () => (await stats(fixture)).initializes, { timeout: 10_000, interval: 100 }).toBeGreaterThan(before);
      await expect.poll(() => pinged.supervisor.state, { timeout: 10_000, interval: 50 }).toBe('ready');
      const next = await callTool(pinged.url, 'echo', { id: 'unstuck' });
      expect(next.status, next.text).toBe(200);
    } finally {
      await pinged.close();
    }
  });

  it('a server that went away: calls fail 502/503 (never 500), the supervisor reconnects once it is back', async () => {
    const other = await startUrlServer([process.execPath, FIXTURE], { mark });
    const port = new URL(other.url).port;
    const up = await startSupervised({ kind: 'http', url: other.url, headers: {}, transport: 'sse' }, { supervisor: { backoffInitialMs: 100, backoffMaxMs: 200 } });
    let again: ServerProcess | undefined;
    try {
      expect((await callTool(up.url, 'echo', { id: 'before' })).status).toBe(200);
      await other.stop();
      await expect.poll(() => up.supervisor.state, { timeout: 5000, interval: 20 }).not.toBe('ready');
      const meanwhile = await callTool(up.url, 'echo', { id: 'meanwhile' });
      expect([502, 503]).toContain(meanwhile.status);
      expect(meanwhile.body.error.type).toMatch(/^upstream_/);
      // the same port again: a new server, the supervisor connects to it
      again = await startOnPort(port);
      await expect.poll(() => up.supervisor.state, { timeout: 10_000, interval: 50 }).toBe('ready');
      expect((await callTool(up.url, 'echo', { id: 'back' })).body).toEqual({ id: 'back' });
    } finally {
      await up.close();
      await other.stop();
      await again?.stop();
    }
  });
});

/** The fixture on a given port (a server that comes back where it was). */
async function startOnPort(port: string): Promise<ServerProcess> {
  const proc = startProcess([process.execPath, FIXTURE, '--port', port], { mark });
  await waitForPort(Number(port), { proc });
  return proc;
}

describe('real legacy SSE servers through the lean transport', () => {
  const servers: ServerProcess[] = [];
  let everythingUrl: string;
  let guardedUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    const everything = startProcess([process.execPath, EVERYTHING, 'sse'], { mark, env: { PORT: String(port) } });
    servers.push(everything);
    const guarded = await startUrlServer([process.execPath, `${FIXTURES}http.mjs`, '--sse', '--token', 'tk-sse'], { mark });
    servers.push(guarded);
    guardedUrl = guarded.url.replace(/\/mcp$/, '/sse');
    await waitForPort(port, { proc: everything });
    everythingUrl = `http://127.0.0.1:${port}/sse`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((p) => p.stop()));
  });

  it('server-everything (the SDK SSEServerTransport): reached by the fallback from Streamable HTTP; calls and progress', async () => {
    const s = await startSupervised({ kind: 'http', url: everythingUrl, headers: {}, transport: 'auto' });
    try {
      expect(s.supervisor.info?.transport).toBe('sse');
      expect((s.supervisor.info?.session as { transport: unknown }).transport).toBeInstanceOf(LegacySseTransport);
      const echo = await callTool(s.url, 'echo', { message: 'over legacy SSE' });
      expect(echo.status, echo.text).toBe(200);
      expect(echo.text).toContain('over legacy SSE');
      const seen: number[] = [];
      const result = await s.supervisor.callTool('trigger-long-running-operation', { duration: 0.3, steps: 3 }, { timeoutMs: 10_000, onProgress: (p) => seen.push(p.progress) });
      expect(result.isError ?? false).toBe(false);
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      await s.close();
    }
  });

  it("the target's headers go with the GET and every POST (a bearer token); without them: an auth error", async () => {
    const s = await startSupervised({ kind: 'http', url: guardedUrl, headers: { Authorization: 'Bearer tk-sse' }, transport: 'sse' });
    try {
      const sum = await callTool(s.url, 'add', { a: 2, b: 3 });
      expect(sum.status, sum.text).toBe(200);
      expect(sum.body).toEqual({ sum: 5 });
    } finally {
      await s.close();
    }
    const refused = await connect({ kind: 'http', url: guardedUrl, headers: {}, transport: 'sse' }, { leanHttp: true, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(McpConnectionError);
    expect((refused as McpConnectionError).kind).toBe('auth');
  });
});

describe('a config file entry of "type": "sse" goes through the lean transport too', () => {
  let fixture: ServerProcess & { url: string };
  let adapter: { child: ChildProcess; url: string } | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-sse-config-'));
  afterAll(async () => {
    if (adapter) await stopChild(adapter.child);
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls work; an HTTP 500 on the POST is a 502 naming it (the SDK client answered 500 here)', async () => {
    fixture = await startUrlServer([process.execPath, FIXTURE], { mark });
    const config = join(dir, 'mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { legacy: { type: 'sse', url: fixture.url } } }));
    adapter = await startServeCli(['--no-async', '--ping-interval', '0', '--config', config]);
    expect((await callTool(adapter.url, 'echo', { id: 'from-config' })).body).toEqual({ id: 'from-config' });
    const failed = await callTool(adapter.url, 'error500', {});
    expect(failed.status).toBe(502);
    expect(failed.body.error).toEqual({ type: 'upstream_error', message: 'the MCP server\'s answer to "error500" failed: the server answered HTTP 500 to a POST: Internal Server Error' });
  });
});
