/**
 * The lean legacy HTTP+SSE transport under an McpSession, against a small legacy SSE server written here (node:http
 * on 127.0.0.1:0): what the wire carries (headers on the GET and every POST, the protocol version once negotiated,
 * an absolute endpoint URL), what it tolerates (ids echoed as strings, server pings), what it bounds (sockets).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LegacySseTransport } from '../../../src/mcp/legacy-sse-transport.js';
import { McpSession } from '../../../src/mcp/session.js';

type Msg = Record<string, unknown>;

interface Fixture {
  url: URL;
  /** Every request's method, path and headers, in order. */
  seen: { method: string; path: string; headers: IncomingMessage['headers']; body?: Msg }[];
  /** Most requests being handled at once (POSTs and the stream). */
  peak: number;
  server: Server;
  /** The server forgets its session: POSTs naming it get 404 (as after a restart behind a proxy). */
  forget(): void;
}

interface Options {
  /** The endpoint event's data, given the server's origin. */
  endpoint?: (origin: string) => string;
  /** Answers a message on the stream (the POST itself gets 202). */
  answer?: (m: Msg, stream: ServerResponse) => void;
  /** How long each POST (but initialize's) takes to answer 202. */
  postDelayMs?: number;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const event = (m: Msg) => `event: message\ndata: ${JSON.stringify(m)}\n\n`;
const initResult = { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'legacy', version: '1.0.0' } };

async function startServer(options: Options = {}): Promise<Fixture> {
  let stream: ServerResponse | undefined;
  let active = 0;
  let sessions = 0;
  let forgotten = 0; // sessions up to this one are gone
  const fixture = { seen: [], peak: 0, forget: () => (forgotten = sessions) } as unknown as Fixture;
  const server = createServer((req, res) => {
    active++;
    fixture.peak = Math.max(fixture.peak, active);
    res.on('close', () => active--);
    const path = req.url ?? '/';
    if (req.method === 'GET') {
      fixture.seen.push({ method: 'GET', path, headers: req.headers });
      stream = res;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      res.write(`event: endpoint\ndata: ${options.endpoint?.(origin) ?? `/messages?sessionId=${++sessions}`}\n\n`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Msg;
      fixture.seen.push({ method: 'POST', path, headers: req.headers, body });
      const id = new URL(path, 'http://x').searchParams.get('sessionId');
      if (id !== null && Number(id) <= forgotten) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Session not found');
        return;
      }
      if (body.method === 'initialize') {
        res.writeHead(202).end('Accepted');
        stream!.write(event({ jsonrpc: '2.0', id: body.id, result: initResult }));
        return;
      }
      setTimeout(() => {
        res.writeHead(202).end('Accepted');
        if (options.answer) options.answer(body, stream!);
        else if ('id' in body && 'method' in body) stream!.write(event({ jsonrpc: '2.0', id: body.id, result: { echoed: body.method } }));
      }, options.postDelayMs ?? 0);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fixture.server = server;
  fixture.url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`);
  return fixture;
}

async function open(fixture: Fixture, extra: { headers?: Record<string, string>; connections?: number } = {}) {
  const transport = new LegacySseTransport({ url: fixture.url, maxMessageBytes: 1 << 20, timeoutMs: 2000, ...extra });
  const session = new McpSession(transport, { name: 'test', version: '0' });
  await session.connect({ timeout: 2000 });
  return { transport, session };
}

describe('LegacySseTransport', () => {
  it("sends the target's headers with the GET and every POST, and the protocol version once negotiated", async () => {
    const fixture = await startServer();
    const { session } = await open(fixture, { headers: { Authorization: 'Bearer t1', 'X-Extra': 'yes' } });
    expect(await session.request('tools/list', {})).toEqual({ echoed: 'tools/list' });
    await session.close();
    const [get, init, initialized, list] = fixture.seen;
    expect(get).toMatchObject({ method: 'GET', path: '/sse', headers: { accept: 'text/event-stream', authorization: 'Bearer t1', 'x-extra': 'yes' } });
    for (const post of [init, initialized, list]) {
      expect(post).toMatchObject({ method: 'POST', path: '/messages?sessionId=1', headers: { authorization: 'Bearer t1', 'x-extra': 'yes', 'content-type': 'application/json' } });
    }
    expect(init!.headers['mcp-protocol-version']).toBeUndefined();
    expect(list!.headers['mcp-protocol-version']).toBe('2024-11-05');
  });

  it('takes an absolute endpoint URL on the same origin', async () => {
    const fixture = await startServer({ endpoint: (origin) => `${origin}/elsewhere/post?s=abc` });
    const { session } = await open(fixture);
    await session.request('ping', {});
    await session.close();
    expect(fixture.seen.filter((s) => s.method === 'POST').map((s) => s.path)).toContain('/elsewhere/post?s=abc');
  });

  it('matches an id echoed as a string, and answers the server’s own ping over a POST', async () => {
    const fixture = await startServer({
      answer: (m, stream) => {
        if (m.method === 'tools/list') {
          stream.write(event({ jsonrpc: '2.0', id: 'srv-1', method: 'ping' }));
          stream.write(event({ jsonrpc: '2.0', id: String(m.id), result: { tools: [] } }));
        }
      },
    });
    const { session } = await open(fixture);
    expect(await session.request('tools/list', {})).toEqual({ tools: [] });
    await expect.poll(() => fixture.seen.some((s) => s.body?.id === 'srv-1' && 'result' in s.body)).toBe(true);
    await session.close();
  });

  it('keeps to its socket bound: 20 calls at once over 3 POST connections (+ the stream)', async () => {
    const fixture = await startServer({ postDelayMs: 20 }); // slow POSTs, so the calls overlap
    const { session, transport } = await open(fixture, { connections: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, () => session.request('tools/list', {})));
    expect(results).toHaveLength(20);
    expect(transport.openSockets).toBeLessThanOrEqual(4);
    expect(fixture.peak).toBeLessThanOrEqual(4);
    await session.close();
    expect(transport.openSockets).toBe(0);
  });

  it('a POST answered 404 (the server forgot the session): a new session, and the same message once more in it', async () => {
    const fixture = await startServer();
    const { session } = await open(fixture);
    expect(await session.request('tools/list', {})).toEqual({ echoed: 'tools/list' });
    let changed = 0;
    session.setNotificationHandler('notifications/tools/list_changed', () => changed++);
    fixture.forget();
    expect(await session.request('tools/call', { name: 'echo' }, { timeout: 5000 })).toEqual({ echoed: 'tools/call' });
    const calls = fixture.seen.filter((s) => s.body?.method === 'tools/call');
    expect(calls.map((c) => c.path)).toEqual(['/messages?sessionId=1', '/messages?sessionId=2']);
    expect(calls[0]!.body!.id).toBe(calls[1]!.body!.id);
    // the new session was set up before the message went again
    const second = fixture.seen.filter((s) => s.path === '/messages?sessionId=2').map((s) => s.body?.method);
    expect(second).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
    expect(fixture.seen.filter((s) => s.method === 'GET')).toHaveLength(2);
    expect(changed).toBe(1); // the tools are read again
    // and it goes on in the new session
    expect(await session.request('ping', {})).toEqual({ echoed: 'ping' });
    await session.close();
  });

  it('a request after close: Not connected', async () => {
    const fixture = await startServer();
    const { session, transport } = await open(fixture);
    await session.close();
    await expect(transport.send({ jsonrpc: '2.0', id: 99, method: 'ping' })).rejects.toThrow('Not connected');
  });
});
