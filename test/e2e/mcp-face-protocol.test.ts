/**
 * The MCP face's wire behaviour, raw HTTP against the built CLI (`serve --auth api-key` in front of the fault
 * server): what each protocol revision requires of a server, every kind of bad request answered with the right
 * status and JSON-RPC error, cancellation both ways, progress on the POST stream, the response cap, an upstream
 * crash mid-call (the call fails at once, the session survives the respawn), DNS-rebinding protection.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SERVER, LEGACY_HEADERS, modern, openSession, rpc, serveCli, type Served } from './mcp-face-helpers.js';

const KEY = 'mcp-face-key-0123456789';
const auth = { 'x-api-key': KEY };
let served: Served;
let mcp: string;
let session: string;
let nextId = 100;

beforeAll(async () => {
  served = await serveCli(
    ['--auth', 'api-key', '--log-level', 'warn', '--max-body', '20000', '--max-response-chars', '5000', '--call-timeout', '3000'],
    [process.execPath, FAULT_SERVER],
    { FACE_KEY: KEY, MCP_ACTIONS_API_KEY: KEY },
  );
  mcp = `${served.url}/mcp`;
  session = await openSession(mcp, auth);
}, 60_000);
afterAll(async () => {
  await served?.stop();
});

const call = (name: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: nextId++,
  method: 'tools/call',
  params: { name, arguments: args, ...extra },
});
const inSession = () => ({ ...auth, 'mcp-session-id': session });

describe('HTTP-level refusals (JSON-RPC error body, no id)', () => {
  it.each([
    ['no credentials', {}, '{"jsonrpc":"2.0","id":1,"method":"ping"}', 401, -32001],
    ['malformed JSON', auth, '{"jsonrpc":"2.0","id":1,', 400, -32700],
    ['a batch', auth, '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]', 400, -32600],
    ['not JSON-RPC 2.0', auth, '{"id":1,"method":"ping"}', 400, -32600],
    ['params that are not an object', auth, '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}', 400, -32600],
    ['a request id that is an object', auth, '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', 400, -32600],
    ['an empty body', auth, '', 400, -32700],
    ['a body over --max-body', auth, JSON.stringify(call('echo', { id: 'x'.repeat(30_000) })), 413, -32600],
    ['no session and no initialize', auth, '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', 400, -32600],
  ])('%s → %i', async (_name, headers, body, status, code) => {
    const a = await rpc(mcp, body, headers);
    expect(a.status).toBe(status);
    expect(a.message.jsonrpc).toBe('2.0');
    expect(a.message.error.code).toBe(code);
    expect(a.message.error.message.length).toBeGreaterThan(10);
    if (status === 401) expect(a.headers.get('www-authenticate')).toMatch(/^ApiKey realm="mcp-actions", header="X-API-Key"/);
  });

  it('JSON sent as text/plain → 415', async () => {
    const a = await rpc(mcp, '{"jsonrpc":"2.0","id":1,"method":"ping"}', { ...auth, 'content-type': 'text/plain' });
    expect(a.status).toBe(415);
  });
  it('Accept that names neither JSON nor SSE → 406', async () => {
    const a = await rpc(mcp, '{"jsonrpc":"2.0","id":1,"method":"ping"}', { ...auth, accept: 'text/html' });
    expect(a.status).toBe(406);
  });
  it('PUT /mcp → 405 with Allow', async () => {
    const a = await rpc(mcp, '{}', auth, 'PUT');
    expect(a.status).toBe(405);
    expect(a.headers.get('allow')).toBe('GET, POST, DELETE');
  });
  it('a session id nobody was given → 404 (clients re-initialise)', async () => {
    const a = await rpc(mcp, call('echo', { id: 'a' }), { ...auth, 'mcp-session-id': 'not-a-session' });
    expect(a.status).toBe(404);
  });
  it('an unsupported MCP-Protocol-Version inside a session → 400', async () => {
    const a = await rpc(mcp, call('echo', { id: 'a' }), { ...inSession(), 'mcp-protocol-version': '1999-01-01' });
    expect(a.status).toBe(400);
  });
  it('GET /mcp: without a session 400; with the 2026 header 405; on a session, an event stream', async () => {
    expect((await rpc(mcp, undefined, auth, 'GET')).status).toBe(400);
    expect((await rpc(mcp, undefined, { ...auth, 'mcp-protocol-version': '2026-07-28' }, 'GET')).status).toBe(405);
    const controller = new AbortController();
    const res = await fetch(mcp, { headers: { ...inSession(), accept: 'text/event-stream' }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    // One GET stream per session.
    expect((await rpc(mcp, undefined, { ...inSession(), accept: 'text/event-stream' }, 'GET')).status).toBe(409);
    controller.abort();
  });
  it('the adapter\'s guard stands in front of the MCP routes: a foreign Origin or Host → 403; the same origin passes', async () => {
    const evil = await rpc(mcp, call('echo', { id: 'a' }), { ...inSession(), origin: 'http://attacker.example' });
    expect(evil.status).toBe(403);
    // fetch will not send another Host: node:http will, as a browser on a rebound name would.
    const rebound = await new Promise<number>((resolve, reject) => {
      const r = httpRequest(mcp, { method: 'POST', headers: { ...LEGACY_HEADERS, ...inSession(), host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      r.once('error', reject);
      r.end(JSON.stringify(call('echo', { id: 'a' })));
    });
    expect(rebound).toBe(403);
    const same = await rpc(mcp, call('echo', { id: 'a' }), { ...inSession(), origin: served.url });
    expect(same.status).toBe(200);
    const sse = await rpc(`${served.url}/sse`, undefined, { ...auth, origin: 'http://attacker.example', accept: 'text/event-stream' }, 'GET');
    expect(sse.status).toBe(403);
  });
});

describe('a 2025-11-25 session', () => {
  it('initialize negotiates the client version it speaks, else the newest legacy one', async () => {
    for (const [asked, got] of [['2025-03-26', '2025-03-26'], ['2025-06-18', '2025-06-18'], ['2099-01-01', '2025-11-25']]) {
      const a = await rpc(mcp, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: asked, capabilities: {}, clientInfo: { name: 'x', version: '0' } } }, auth);
      expect(a.status).toBe(200);
      expect(a.message.result.protocolVersion).toBe(got);
      expect(a.message.result.serverInfo).toEqual({ name: 'fault-server', version: '1.0.0' });
      expect(a.message.result.capabilities).toEqual({ tools: { listChanged: true } });
    }
  });
  it('unknown method → -32601 (HTTP 200); unknown tool → -32602; bad arguments → a tool error the model can read', async () => {
    const unknown = await rpc(mcp, { jsonrpc: '2.0', id: 7, method: 'no/such', params: {} }, inSession());
    expect(unknown.status).toBe(200);
    expect(unknown.message).toMatchObject({ id: 7, error: { code: -32601 } });
    const noTool = await rpc(mcp, call('nope', {}), inSession());
    expect(noTool.message.error).toMatchObject({ code: -32602, message: expect.stringMatching(/^Unknown tool: nope/) });
    const bad = await rpc(mcp, call('echo', { id: 5 }), inSession());
    expect(bad.message.result.isError).toBe(true);
    expect(bad.message.result.content[0].text).toMatch(/id/);
  });
  it('initialize inside a session → 400; notifications and responses → 202', async () => {
    const again = await rpc(mcp, { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }, inSession());
    expect(again.status).toBe(400);
    expect((await rpc(mcp, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, inSession())).status).toBe(202);
    expect((await rpc(mcp, { jsonrpc: '2.0', id: 99, result: {} }, inSession())).status).toBe(202);
  });
  it('progress flows on the POST stream, every one, before the answer', async () => {
    const a = await rpc(mcp, call('flood', { count: 5, size: 3 }, { _meta: { progressToken: 'tok-1' } }), inSession());
    expect(a.headers.get('content-type')).toBe('text/event-stream');
    expect(a.messages.slice(0, 5).map((m) => [m.method, m.params.progressToken, m.params.progress, m.params.message])).toEqual(
      [1, 2, 3, 4, 5].map((i) => ['notifications/progress', 'tok-1', i, 'ppp']),
    );
    expect(a.messages[5].result.content[0].text).toBe('flooded 5');
    expect(a.messages).toHaveLength(6);
  });
  it('a client that accepts only JSON gets JSON, and the upstream is not asked for progress nobody could read', async () => {
    const a = await rpc(mcp, call('flood', { count: 2 }, { _meta: { progressToken: 7 } }), { ...inSession(), accept: 'application/json' });
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(a.message.result.content[0].text).toBe('flooded 0');
  });
  it('a result over --max-response-chars is cut with the marker', async () => {
    const a = await rpc(mcp, call('huge', { bytes: 50_000 }), inSession());
    expect(a.text.length).toBeLessThan(5_200);
    expect(a.message.result.content[0].text).toMatch(/\[truncated by mcp-actions: showing \d+ of 50000 characters/);
  });
  it('notifications/cancelled cancels the call upstream, and the client gets its answer at once', async () => {
    const slow = call('slow', { ms: 6000, tag: 'cancel-by-notification' });
    const started = Date.now();
    const pending = rpc(mcp, slow, inSession());
    await new Promise((r) => setTimeout(r, 300));
    expect((await rpc(mcp, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: slow.id, reason: 'user pressed stop' } }, inSession())).status).toBe(202);
    const a = await pending;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(a.message.error.data).toEqual({ type: 'cancelled' });
    const seen = await rpc(mcp, call('cancelled', {}), inSession());
    expect(JSON.parse(seen.message.result.content[0].text)).toContain('cancel-by-notification');
  });
  it('the client hanging up cancels the call upstream too', async () => {
    const controller = new AbortController();
    const pending = fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...inSession() }, body: JSON.stringify(call('slow', { ms: 6000, tag: 'cancel-by-hangup' })), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await pending.catch(() => undefined);
    await expect.poll(async () => JSON.parse((await rpc(mcp, call('cancelled', {}), inSession())).message.result.content[0].text), { timeout: 5000 }).toContain('cancel-by-hangup');
  });
  it('the call budget cancels a slow tool upstream and answers a JSON-RPC error naming it', async () => {
    const a = await rpc(mcp, call('slow', { ms: 20_000, tag: 'over-budget' }), inSession());
    expect(a.message.error).toMatchObject({ code: -32603, data: { type: 'upstream_timeout' } });
    expect(a.message.error.message).toMatch(/did not answer within 3000 ms/);
  }, 15_000);
  it('DELETE ends the session; then it is unknown (404)', async () => {
    const other = await openSession(mcp, auth);
    const del = await rpc(mcp, undefined, { ...auth, 'mcp-session-id': other }, 'DELETE');
    expect(del.status).toBe(200);
    expect((await rpc(mcp, call('echo', { id: 'a' }), { ...auth, 'mcp-session-id': other })).status).toBe(404);
  });
});

describe('2026-07-28 stateless requests', () => {
  const send = (method: string, params: Record<string, unknown> = {}, name?: string, override: Record<string, string> = {}) => {
    const m = modern(method, params, name);
    return rpc(mcp, { jsonrpc: '2.0', id: nextId++, method, params: m.params }, { ...auth, ...m.headers, ...override });
  };

  it('server/discover: versions, capabilities, identity and caching hints', async () => {
    const a = await send('server/discover');
    expect(a.status).toBe(200);
    expect(a.message.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'],
      capabilities: { tools: { listChanged: true } },
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'fault-server', version: '1.0.0' } },
      cacheScope: 'private',
    });
    expect(a.message.result.ttlMs).toBeGreaterThanOrEqual(0);
    expect(a.headers.get('mcp-session-id')).toBeNull();
  });
  it('tools/call and tools/list need no session', async () => {
    const list = await send('tools/list');
    expect(list.message.result.tools.map((t: { name: string }) => t.name)).toContain('echo');
    expect(list.message.result).toMatchObject({ resultType: 'complete', cacheScope: 'private' });
    const echo = await send('tools/call', { name: 'echo', arguments: { id: 'm1' } }, 'echo');
    expect(echo.message.result.structuredContent.id).toBe('m1');
    expect(echo.message.result.resultType).toBe('complete');
  });
  it.each([
    ['Mcp-Method missing', { 'mcp-method': '' }, -32020],
    ['Mcp-Method differs from the body', { 'mcp-method': 'tools/list' }, -32020],
    ['Mcp-Name differs from the body', { 'mcp-name': 'slow' }, -32020],
    ['MCP-Protocol-Version differs from _meta', { 'mcp-protocol-version': '2025-11-25' }, -32020],
  ])('%s → 400 HeaderMismatch', async (_n, override, code) => {
    const headers = Object.fromEntries(Object.entries(override).filter(([, v]) => v !== ''));
    const drop = Object.keys(override).filter((k) => override[k as keyof typeof override] === '');
    const m = modern('tools/call', { name: 'echo', arguments: { id: 'x' } }, 'echo');
    const all: Record<string, string> = { ...auth, ...m.headers, ...headers };
    for (const k of drop) delete all[k];
    const a = await rpc(mcp, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: m.params }, all);
    expect(a.status).toBe(400);
    expect(a.message).toMatchObject({ id: 5, error: { code } });
  });
  it('Mcp-Name may be base64-encoded', async () => {
    const a = await send('tools/call', { name: 'echo', arguments: { id: 'b64' } }, `=?base64?${Buffer.from('echo').toString('base64')}?=`);
    expect(a.status).toBe(200);
    expect(a.message.result.structuredContent.id).toBe('b64');
  });
  it('an unsupported version → 400 UnsupportedProtocolVersion listing the supported ones', async () => {
    const m = modern('tools/list');
    (m.params._meta as Record<string, unknown>)['io.modelcontextprotocol/protocolVersion'] = '2099-01-01';
    const a = await rpc(mcp, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: m.params }, { ...auth, ...m.headers, 'mcp-protocol-version': '2099-01-01' });
    expect(a.status).toBe(400);
    expect(a.message.error).toMatchObject({ code: -32022, data: { requested: '2099-01-01', supported: expect.arrayContaining(['2026-07-28']) } });
  });
  it('missing client capabilities → 400 -32602; unknown method → 404 -32601', async () => {
    const m = modern('tools/list');
    delete (m.params._meta as Record<string, unknown>)['io.modelcontextprotocol/clientCapabilities'];
    const a = await rpc(mcp, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: m.params }, { ...auth, ...m.headers });
    expect(a.status).toBe(400);
    expect(a.message.error.code).toBe(-32602);
    const unknown = await send('no/such');
    expect(unknown.status).toBe(404);
    expect(unknown.message.error.code).toBe(-32601);
  });
  it('subscriptions/listen: acknowledged first, then tools/list_changed tagged with the subscription id', async () => {
    const m = modern('subscriptions/listen', { notifications: { toolsListChanged: true, promptsListChanged: true } });
    const controller = new AbortController();
    const res = await fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...auth, ...m.headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 'sub-1', method: 'subscriptions/listen', params: m.params }), signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += Buffer.from(value).toString();
      }
    };
    await until(/acknowledged/);
    expect(JSON.parse(/data: (.*)/.exec(text)![1]!)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      // The fault server has no prompts: only the tools filter is honoured.
      params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'sub-1' }, notifications: { toolsListChanged: true } },
    });
    await send('tools/call', { name: 'grow', arguments: { name: 'grown_while_listening' } }, 'grow');
    await until(/list_changed/);
    expect(text).toContain('{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"sub-1"}}}');
    controller.abort();
  });
  it('closing the response cancels the call upstream (2026-07-28 cancellation)', async () => {
    const m = modern('tools/call', { name: 'slow', arguments: { ms: 6000, tag: 'cancel-modern' } }, 'slow');
    const controller = new AbortController();
    const pending = fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...auth, ...m.headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: m.params }), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await pending.catch(() => undefined);
    await expect.poll(async () => JSON.parse((await rpc(mcp, call('cancelled', {}), inSession())).message.result.content[0].text), { timeout: 5000 }).toContain('cancel-modern');
  });
});

describe('an upstream crash', () => {
  it('fails the calls in flight at once with a JSON-RPC error; the session works again after the respawn', async () => {
    const started = Date.now();
    // The bystander goes first so that it is in flight when the server dies (sent together, a loaded machine could
    // deliver it after the crash, when it is refused as upstream_unavailable instead).
    const pendingBystander = rpc(mcp, call('slow', { ms: 5000, tag: 'bystander' }), inSession());
    await new Promise((r) => setTimeout(r, 300));
    const [dying, bystander] = await Promise.all([rpc(mcp, call('die', {}), inSession()), pendingBystander]);
    expect(Date.now() - started).toBeLessThan(4000);
    for (const a of [dying, bystander]) {
      expect(a.status).toBe(200);
      expect(a.message.error).toMatchObject({ code: -32603, data: { type: 'upstream_error' } });
    }
    // The same session id answers again once the server is back.
    await expect
      .poll(async () => (await rpc(mcp, call('echo', { id: 'after' }), inSession())).message.result?.structuredContent?.id, { timeout: 15_000, interval: 200 })
      .toBe('after');
  }, 25_000);
});
