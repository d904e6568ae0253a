/**
 * The three ways the benchmark calls server-everything's `echo` tool:
 * - direct: an in-process SDK client over stdio;
 * - rest: `POST /tools/echo` with the arguments as the JSON body (reference server and the adapter);
 * - mcp-http: plain JSON-RPC POSTs to a Streamable HTTP endpoint (the peers), one session shared by all callers.
 * HTTP goes through one undici keep-alive pool per front, never through the SDK's HTTP client.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Pool } from 'undici';

export const MESSAGE = 'bench';
const EXPECTED = `Echo: ${MESSAGE}`;
const PROTOCOL_VERSION = '2025-06-18';

/** Connects an SDK client to `node everything stdio`; returns the call and the child's PID. */
export async function connectDirect(everythingPath) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [everythingPath, 'stdio'],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'mcp-actions-bench', version: '0' }, { capabilities: {} });
  await client.connect(transport);
  const args = { name: 'echo', arguments: { message: MESSAGE } };
  return {
    pid: /** @type {number} */ (transport.pid),
    call: async () => {
      const result = await client.callTool(args);
      return result.content?.[0]?.text === EXPECTED;
    },
    close: () => client.close(),
  };
}

/** `POST /tools/echo {"message": "bench"}` against a REST front (reference server, adapter). */
export function connectRest(baseUrl, concurrency, extraHeaders = [{}]) {
  const pool = new Pool(baseUrl, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({ message: MESSAGE });
  // One request per header set (e.g. one per user's credential), taken in turn call after call.
  const requests = extraHeaders.map((headers) => ({
    path: '/tools/echo',
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
  }));
  let next = 0;
  return {
    call: async () => {
      const request = requests[next++ % requests.length];
      const res = await pool.request(request);
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
      return text.includes(EXPECTED);
    },
    close: () => pool.close(),
  };
}

/** Extracts the JSON-RPC message answering `id` from a JSON or SSE-framed (text/event-stream) body. */
export function parseRpcBody(contentType, text, id) {
  if (!contentType.includes('text/event-stream')) return JSON.parse(text);
  for (const line of text.split('\n')) {
    // 2025-11-25 servers may open with a priming event (an id and empty data): not a message
    if (!line.startsWith('data:') || line.slice(5).trim() === '') continue;
    const message = JSON.parse(line.slice(5));
    if (message.id === id) return message;
  }
  throw new Error(`no answer to request ${id} in the event stream: ${text.slice(0, 200)}`);
}

/**
 * Opens one Streamable HTTP session (initialize + notifications/initialized) and calls echo in it. `protocolVersion`:
 * what initialize asks for (default 2025-06-18; http-direct asks for the adapter's own, 2025-11-25, under which
 * server-everything primes every SSE answer and stores its events: more work per call on the server's side).
 */
export async function connectMcpHttp(url, concurrency, { protocolVersion = PROTOCOL_VERSION } = {}) {
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  let nextId = 1;
  const post = async (message) => {
    const res = await pool.request({ path: pathname, method: 'POST', headers, body: JSON.stringify(message) });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    return { res, text };
  };
  const init = await post({
    jsonrpc: '2.0',
    id: nextId++,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'mcp-actions-bench', version: '0' } },
  });
  const answer = parseRpcBody(String(init.res.headers['content-type'] ?? ''), init.text, 1);
  if (!answer.result) throw new Error(`initialize failed: ${init.text.slice(0, 200)}`);
  const session = init.res.headers['mcp-session-id'];
  if (typeof session === 'string') headers['mcp-session-id'] = session;
  headers['mcp-protocol-version'] = answer.result.protocolVersion ?? protocolVersion;
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    call: async () => {
      const id = nextId++;
      const { res, text } = await post({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: MESSAGE } },
      });
      const message = parseRpcBody(String(res.headers['content-type'] ?? ''), text, id);
      return message.result?.content?.[0]?.text === EXPECTED;
    },
    close: () => pool.close(),
  };
}
