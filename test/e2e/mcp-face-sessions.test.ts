/**
 * The MCP face in-process (createAdapter + listen, the fault server over stdio): sessions bound to the identity
 * that opened them, the rate limit as a JSON-RPC error, tool list changes forwarded to every kind of stream,
 * `mcp: false`.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/adapter/http-error.js';
import { digestKey, type Authenticator } from '../../src/adapter/identity/identity.js';
import { createRateLimiter } from '../../src/adapter/rate-limit.js';
import { FAULT_SERVER, modern, openSession, rpc, sseMessages } from './mcp-face-helpers.js';
import { request, startAdapter, stdio, type Running } from './serve-helpers.js';

/** One identity per X-User header: two callers, two identities (as two OAuth users would be). */
const byUser: Authenticator = {
  type: 'test',
  authenticate(req: IncomingMessage) {
    const user = req.headers['x-user'];
    if (typeof user !== 'string' || user === '') throw new HttpError(401, 'unauthorized', 'send X-User', { headers: { 'WWW-Authenticate': 'Test' } });
    return { key: digestKey('test', user), kind: 'credential' };
  },
  // "reader" may call echo only (as an OAuth token without the write scope would).
  authorize(identity, tool) {
    if (identity?.key === digestKey('test', 'reader') && tool.name !== 'echo') {
      throw new HttpError(403, 'forbidden', `calling "${tool.name}" needs the tools:write scope`, { headers: { 'WWW-Authenticate': 'Test error="insufficient_scope", scope="tools:write"' } });
    }
  },
};
const alice = { 'x-user': 'alice' };
const bob = { 'x-user': 'bob' };
const rateLimiter = createRateLimiter({ limit: 5, windowMs: 60_000 });

let run: Running;
let mcp: string;
beforeAll(async () => {
  run = await startAdapter(stdio(FAULT_SERVER), { authenticator: byUser, rateLimiter });
  mcp = `${run.url}/mcp`;
}, 30_000);
afterAll(async () => {
  rateLimiter.close();
  await run?.close();
});

const call = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('sessions belong to who opened them', () => {
  it("another caller presenting alice's session id gets 404; alice's session is unharmed", async () => {
    const session = await openSession(mcp, alice);
    const stolen = await rpc(mcp, call(1, 'echo', { id: 'x' }), { ...bob, 'mcp-session-id': session });
    expect(stolen.status).toBe(404);
    const own = await rpc(mcp, call(2, 'echo', { id: 'mine' }), { ...alice, 'mcp-session-id': session });
    expect(own.message.result.structuredContent.id).toBe('mine');
    // Nor can bob end it.
    expect((await rpc(mcp, undefined, { ...bob, 'mcp-session-id': session }, 'DELETE')).status).toBe(404);
    expect((await rpc(mcp, call(3, 'echo', { id: 'still' }), { ...alice, 'mcp-session-id': session })).status).toBe(200);
  });

  it('no credentials → 401 with the authenticator\'s challenge, on every route of the face', async () => {
    for (const [path, method] of [['/mcp', 'POST'], ['/mcp', 'GET'], ['/mcp', 'DELETE'], ['/sse', 'GET'], ['/messages?sessionId=x', 'POST']] as const) {
      const a = await rpc(`${run.url}${path}`, '{"jsonrpc":"2.0","id":1,"method":"ping"}', {}, method);
      expect(a.status, `${method} ${path}`).toBe(401);
      expect(a.headers.get('www-authenticate')).toBe('Test');
    }
  });
});

describe("the authenticator's per-tool check (scopes) holds on the MCP face", () => {
  const reader = { 'x-user': 'reader' };
  const challenge = 'Test error="insufficient_scope", scope="tools:write"';
  it('a session call, a streamed call and a 2026-07-28 call: 403 + the challenge; the allowed tool works', async () => {
    const session = await openSession(mcp, reader);
    const inSession = { ...reader, 'mcp-session-id': session };
    const plain = await rpc(mcp, call(1, 'slow', { ms: 1 }), inSession);
    expect(plain.status).toBe(403);
    expect(plain.headers.get('www-authenticate')).toBe(challenge);
    expect(plain.message.error).toMatchObject({ code: -32603, data: { type: 'forbidden' } });
    expect(plain.message.id).toBe(1);
    // With a progress token the answer would be an event stream: the refusal still comes first, as a plain 403.
    const streamed = await rpc(mcp, { ...call(2, 'slow', { ms: 1 }), params: { name: 'slow', arguments: { ms: 1 }, _meta: { progressToken: 'p' } } }, inSession);
    expect(streamed.status).toBe(403);
    expect(streamed.headers.get('www-authenticate')).toBe(challenge);
    const m = modern('tools/call', { name: 'slow', arguments: { ms: 1 } }, 'slow');
    const stateless = await rpc(mcp, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: m.params }, { ...reader, ...m.headers });
    expect(stateless.status).toBe(403);
    expect(stateless.headers.get('www-authenticate')).toBe(challenge);
    expect((await rpc(mcp, call(4, 'echo', { id: 'allowed' }), inSession)).message.result.structuredContent.id).toBe('allowed');
    // Another identity is not limited by it.
    const other = await openSession(mcp, { 'x-user': 'writer' });
    expect((await rpc(mcp, call(5, 'slow', { ms: 1 }), { 'x-user': 'writer', 'mcp-session-id': other })).status).toBe(200);
  });
  it('over the old SSE transport: a JSON-RPC error on the stream', async () => {
    const controller = new AbortController();
    const sse = await fetch(`${run.url}/sse`, { headers: { ...reader, accept: 'text/event-stream' }, signal: controller.signal });
    const stream = sse.body!.getReader();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await stream.read();
        if (done) throw new Error(`the stream ended: ${text}`);
        text += Buffer.from(value).toString();
      }
    };
    try {
      await until('event: endpoint');
      const endpoint = /data: (\/messages\?sessionId=\S+)/.exec(text)![1]!;
      expect((await rpc(`${run.url}${endpoint}`, call(7, 'slow', { ms: 1 }), reader)).status).toBe(202);
      await until('"id":7');
      const answer = sseMessages(text).find((msg) => msg.id === 7);
      expect(answer.error).toMatchObject({ code: -32603, data: { type: 'forbidden' } });
      expect(answer.error.message).toMatch(/needs the tools:write scope/);
    } finally {
      controller.abort();
    }
  });
});

describe('the rate limit counts tools/call per identity', () => {
  it('over the limit: a JSON-RPC error with the retry delay; another identity is not affected', async () => {
    const carol = { 'x-user': 'carol' };
    const session = await openSession(mcp, carol);
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await rpc(mcp, call(10 + i, 'echo', { id: `r${i}` }), { ...carol, 'mcp-session-id': session }));
    expect(answers.slice(0, 5).every((a) => a.message.result)).toBe(true);
    const limited = answers[6]!.message.error;
    expect(limited).toMatchObject({ code: -32603, data: { type: 'rate_limited', retryAfterSeconds: expect.any(Number) } });
    expect(limited.message).toMatch(/more than 5 calls in 60 s/);
    const dave = { 'x-user': 'dave' };
    const other = await openSession(mcp, dave);
    expect((await rpc(mcp, call(1, 'echo', { id: 'ok' }), { ...dave, 'mcp-session-id': other })).message.result.structuredContent.id).toBe('ok');
  });
});

describe('tool list changes reach every connected client', () => {
  it('a session GET stream, the old SSE transport, and the REST routes', async () => {
    const erin = { 'x-user': 'erin' };
    const session = await openSession(mcp, erin);
    const controller = new AbortController();
    const get = await fetch(mcp, { headers: { ...erin, accept: 'text/event-stream', 'mcp-session-id': session }, signal: controller.signal });
    const sse = await fetch(`${run.url}/sse`, { headers: { ...erin, accept: 'text/event-stream' }, signal: controller.signal });
    const readers = [get.body!.getReader(), sse.body!.getReader()];
    const texts = ['', ''];
    const until = async (i: number, needle: string) => {
      while (!texts[i]!.includes(needle)) {
        const { value, done } = await readers[i]!.read();
        if (done) throw new Error(`stream ${i} ended: ${texts[i]}`);
        texts[i] += Buffer.from(value).toString();
      }
    };
    await until(1, 'event: endpoint');
    const endpoint = /data: (\/messages\?sessionId=\S+)/.exec(texts[1]!)![1]!;
    // The old transport: initialize over POST /messages, answered on the stream.
    expect((await rpc(`${run.url}${endpoint}`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'old', version: '0' } } }, erin)).status).toBe(202);
    await until(1, '"protocolVersion":"2024-11-05"');

    await rpc(mcp, call(1, 'grow', { name: 'grown_tool' }), { ...erin, 'mcp-session-id': session });
    await until(0, 'notifications/tools/list_changed');
    await until(1, 'notifications/tools/list_changed');
    expect(sseMessages(texts[0]!)).toEqual([{ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }]);
    // The new tool is served by both faces.
    const list = await rpc(mcp, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { ...erin, 'mcp-session-id': session });
    expect(list.message.result.tools.map((t: { name: string }) => t.name)).toContain('grown_tool');
    expect((await request(`${run.url}/tools/grown_tool`, { method: 'POST', json: {}, headers: erin })).status).toBe(200);
    controller.abort();
  });
});

describe('mcp: false', () => {
  it('serves the REST routes only', async () => {
    const plain = await startAdapter(stdio(FAULT_SERVER), { mcp: false });
    try {
      expect(plain.adapter.mcp).toBeUndefined();
      expect((await rpc(`${plain.url}/mcp`, '{"jsonrpc":"2.0","id":1,"method":"ping"}')).status).toBe(404);
      expect((await request(`${plain.url}/sse`)).status).toBe(404);
      expect((await request(`${plain.url}/tools/echo`, { method: 'POST', json: { id: 'a' } })).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
