/**
 * The lean MCP session against a scripted transport: handshake, results, errors, timeouts and cancellation,
 * server requests, notifications, close. Wire messages are asserted as they are sent.
 */
import { describe, expect, it } from 'vitest';
import { HangupSignal } from '../../../src/adapter/hangup-signal.js';
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError, type JsonRpcMessage, type SessionTransport } from '../../../src/mcp/json-rpc.js';
import { McpSession } from '../../../src/mcp/session.js';

type Msg = Record<string, unknown>;

/** A transport whose "server" is a function of each request; everything sent is recorded. */
class ScriptedTransport implements SessionTransport {
  sent: Msg[] = [];
  closed = false;
  protocolVersion?: string;
  onmessage?: (message: JsonRpcMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  constructor(private readonly answer: (request: Msg) => Msg | undefined) {}
  async start(): Promise<void> {}
  async send(message: JsonRpcMessage): Promise<void> {
    const m = message as unknown as Msg;
    this.sent.push(m);
    if ('id' in m && 'method' in m) {
      const reply = this.answer(m);
      if (reply) queueMicrotask(() => this.onmessage?.({ jsonrpc: '2.0', id: m.id, ...reply } as JsonRpcMessage));
    }
  }
  async close(): Promise<void> {
    this.closed = true;
    this.onclose?.();
  }
  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }
  /** The server sends a message of its own. */
  push(message: Msg): void {
    this.onmessage?.(message as unknown as JsonRpcMessage);
  }
}

const initialize = (overrides: Msg = {}) => ({
  result: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: { tools: { listChanged: true, extra: 1 }, logging: {}, unknownCap: {} },
    serverInfo: { name: 'srv', version: '1.2.3', title: 'Server', websiteUrl: 'https://x' },
    instructions: 'be nice',
    ...overrides,
  },
});

function server(handlers: Record<string, (params: Msg) => Msg | undefined> = {}, init = initialize()) {
  return new ScriptedTransport((request) => {
    if (request.method === 'initialize') return init;
    const handler = handlers[request.method as string];
    return handler ? handler((request.params ?? {}) as Msg) : { error: { code: -32601, message: 'Method not found' } };
  });
}

async function connected(transport: ScriptedTransport) {
  const session = new McpSession(transport, { name: 'test', version: '0' });
  const errors: Error[] = [];
  session.onerror = (e) => errors.push(e);
  await session.connect({ timeout: 1000 });
  return { session, errors };
}

describe('McpSession handshake', () => {
  it('sends initialize then notifications/initialized, and keeps what the SDK schema keeps', async () => {
    const transport = server();
    const { session } = await connected(transport);
    expect(transport.sent[0]).toEqual({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'test', version: '0' } },
    });
    expect(transport.sent[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(session.serverInfo).toEqual({ name: 'srv', title: 'Server', version: '1.2.3' });
    expect(session.capabilities).toEqual({ logging: {}, tools: { listChanged: true } });
    expect(Object.keys(session.capabilities!)).toEqual(['logging', 'tools']);
    expect(session.instructions).toBe('be nice');
    expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
  });

  it.each([
    ['an unsupported protocol version', initialize({ protocolVersion: '1999-01-01' }), "Server's protocol version is not supported: 1999-01-01"],
    ['no serverInfo', initialize({ serverInfo: undefined }), 'initialize result has no serverInfo with a name and a version'],
    ['capabilities that are not an object', initialize({ capabilities: [] }), 'initialize result has no capabilities object'],
    ['an error', { error: { code: -32603, message: 'boom' } }, 'MCP error -32603: boom'],
  ])('fails on %s and closes the transport', async (_label, init, message) => {
    const transport = server({}, init as ReturnType<typeof initialize>);
    const session = new McpSession(transport, { name: 'test', version: '0' });
    await expect(session.connect()).rejects.toThrow(message);
    await new Promise((r) => setImmediate(r));
    expect(transport.closed).toBe(true);
  });
});

describe('McpSession requests', () => {
  it('resolves results and numbers requests 0, 1, 2 … as the SDK does', async () => {
    const transport = server({ 'tools/call': (p) => ({ result: { content: [{ type: 'text', text: String((p.arguments as Msg).x) }] } }) });
    const { session } = await connected(transport);
    const [a, b] = await Promise.all([
      session.request('tools/call', { name: 't', arguments: { x: 1 } }),
      session.request('tools/call', { name: 't', arguments: { x: 2 } }),
    ]);
    expect(a).toEqual({ content: [{ type: 'text', text: '1' }] });
    expect(b).toEqual({ content: [{ type: 'text', text: '2' }] });
    expect(transport.sent.filter((m) => m.method === 'tools/call').map((m) => m.id)).toEqual([1, 2]);
    expect(session.pendingCount).toBe(0);
  });

  it('a response whose id comes back as a string still settles its request (as with the SDK)', async () => {
    const transport = new ScriptedTransport((request) => (request.method === 'initialize' ? initialize() : undefined));
    const { session } = await connected(transport);
    const call = session.request('tools/call', { name: 't' });
    transport.push({ jsonrpc: '2.0', id: '1', result: { content: [] } });
    await expect(call).resolves.toEqual({ content: [] });
  });

  it('a JSON-RPC error rejects with McpError carrying code, message and data', async () => {
    const transport = server({ 'tools/call': () => ({ error: { code: -32602, message: 'Unknown tool: x', data: { why: 1 } } }) });
    const { session } = await connected(transport);
    const error = (await session.request('tools/call', { name: 'x' }).catch((e: unknown) => e)) as McpError;
    expect(error).toBeInstanceOf(McpError);
    expect(error.name).toBe('McpError');
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toBe('MCP error -32602: Unknown tool: x');
    expect(error.data).toEqual({ why: 1 });
  });

  it.each([
    ['a result that is not an object', { result: [1, 2] }, 'the server answered with a result that is not an object: [1,2]'],
    ['an error without a numeric code', { error: { code: 'x', message: 'm' } }, 'the server answered with a malformed error'],
  ])('%s rejects with MalformedMessageError', async (_label, reply, message) => {
    const { session } = await connected(server({ 'tools/call': () => reply as Msg }));
    const error = (await session.request('tools/call', {}).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('MalformedMessageError');
    expect(error.message).toContain(message);
  });

  it('a timeout rejects with RequestTimeout and sends notifications/cancelled for that id', async () => {
    const transport = server({ 'tools/call': () => undefined }); // never answers
    const { session } = await connected(transport);
    const error = (await session.request('tools/call', { name: 'slow' }, { timeout: 30 }).catch((e: unknown) => e)) as McpError;
    expect(error.code).toBe(ErrorCode.RequestTimeout);
    expect(error.message).toBe('MCP error -32001: Request timed out');
    expect(error.data).toEqual({ timeout: 30 });
    expect(transport.sent.at(-1)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 1, reason: 'McpError: MCP error -32001: Request timed out' },
    });
    expect(session.pendingCount).toBe(0);
  });

  it('aborting the signal (the adapter HangupSignal) cancels upstream; a late answer is ignored', async () => {
    let reply: (() => void) | undefined;
    const transport = new ScriptedTransport((request) => {
      if (request.method === 'initialize') return initialize();
      reply = () => transport.push({ jsonrpc: '2.0', id: request.id, result: { content: [] } });
      return undefined;
    });
    const { session, errors } = await connected(transport);
    const signal = new HangupSignal();
    const call = session.request('tools/call', { name: 'wait' }, { signal: signal.asAbortSignal(), timeout: 10_000 });
    signal.abort('client hung up');
    const error = (await call.catch((e: unknown) => e)) as McpError;
    expect(error.code).toBe(ErrorCode.RequestTimeout);
    expect(transport.sent.at(-1)).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'client hung up' } });
    reply!();
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('Received a response for an unknown message ID')]);
    expect(session.pendingCount).toBe(0);
  });

  it('an already aborted signal rejects at once without sending', async () => {
    const transport = server();
    const { session } = await connected(transport);
    const signal = new HangupSignal();
    signal.abort(new Error('gone'));
    const before = transport.sent.length;
    await expect(session.request('tools/call', {}, { signal: signal.asAbortSignal() })).rejects.toThrow('gone');
    expect(transport.sent.length).toBe(before);
  });

  it('closing rejects every pending request with ConnectionClosed, then refuses new ones', async () => {
    const { session } = await connected(server({ 'tools/call': () => undefined }));
    let closed = 0;
    session.onclose = () => closed++;
    const calls = [1, 2, 3].map(() => session.request('tools/call', {}, { timeout: 10_000 }).catch((e: unknown) => e as McpError));
    expect(session.pendingCount).toBe(3);
    await session.close();
    for (const error of await Promise.all(calls)) {
      expect(error.code).toBe(ErrorCode.ConnectionClosed);
      expect(error.message).toBe('MCP error -32000: Connection closed');
    }
    expect(closed).toBe(1);
    expect(session.pendingCount).toBe(0);
    await expect(session.request('ping')).rejects.toThrow('Not connected');
  });
});

describe('McpSession messages from the server', () => {
  it('answers ping with an empty result and anything else with Method not found', async () => {
    const transport = server();
    await connected(transport);
    transport.push({ jsonrpc: '2.0', id: 'p1', method: 'ping' });
    transport.push({ jsonrpc: '2.0', id: 7, method: 'sampling/createMessage', params: {} });
    await new Promise((r) => setImmediate(r));
    expect(transport.sent.slice(-2)).toEqual([
      { jsonrpc: '2.0', id: 'p1', result: {} },
      { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'Method not found' } },
    ]);
  });

  it('calls the handler of a notification; others are ignored; a malformed message is an error, not a crash', async () => {
    const transport = server();
    const { session, errors } = await connected(transport);
    const seen: Msg[] = [];
    session.setNotificationHandler('notifications/tools/list_changed', (params) => seen.push(params));
    transport.push({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    transport.push({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info' } });
    transport.push({ jsonrpc: '1.0', method: 'x' });
    transport.push({ jsonrpc: '2.0', id: 99, result: {} });
    expect(seen).toEqual([{}]);
    expect(errors.map((e) => e.message)).toEqual([
      'Unknown message type: {"jsonrpc":"1.0","method":"x"}',
      'Received a response for an unknown message ID: {"jsonrpc":"2.0","id":99,"result":{}}',
    ]);
  });
});

describe('McpSession progress', () => {
  it('onprogress sends _meta.progressToken = the request id and gets that request\'s notifications until it settles', async () => {
    let reply: (() => void) | undefined;
    const transport = new ScriptedTransport((request) => {
      if (request.method === 'initialize') return initialize();
      reply = () => transport.push({ jsonrpc: '2.0', id: request.id, result: { content: [] } });
      return undefined;
    });
    const { session } = await connected(transport);
    const seen: unknown[] = [];
    const call = session.request('tools/call', { name: 'slow', _meta: { keep: 1 } }, { onprogress: (p) => seen.push(p), timeout: 1000 });
    expect(transport.sent.at(-1)).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', _meta: { keep: 1, progressToken: 1 } } });
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1, total: 4, message: 'one' } });
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 2, progress: 9 } }); // not ours
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 'x' } }); // malformed
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } });
    reply!();
    await call;
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 3 } }); // after it settled
    expect(seen).toEqual([{ progress: 1, total: 4, message: 'one' }, { progress: 2 }]);
  });

  it('without onprogress the params are sent unchanged; watchProgress follows a token until disposed', async () => {
    const transport = server({ 'tools/call': () => ({ result: { content: [] } }) });
    const { session } = await connected(transport);
    await session.request('tools/call', { name: 'fast' });
    expect(transport.sent.at(-1)).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fast' } });
    const seen: unknown[] = [];
    const stop = session.watchProgress('task-7', (p) => seen.push(p));
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'task-7', progress: 5, message: 'half' } });
    stop();
    transport.push({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'task-7', progress: 6 } });
    expect(seen).toEqual([{ progress: 5, message: 'half' }]);
  });
});
