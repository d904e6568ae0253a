/** Helpers for the MCP face tests: the built CLI's `serve`, raw JSON-RPC over HTTP, reading an SSE body. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MARK_VAR } from '../helpers/processes.js';
import { stopChild } from './serve-helpers.js';

export const EVERYTHING = 'node_modules/@modelcontextprotocol/server-everything/dist/index.js';
export const FAULT_SERVER = 'fixtures/servers/fault-server.mjs';

export interface Served {
  child: ChildProcess;
  url: string;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** `node dist/cli.js serve --port 0 …args -- …upstream`, resolved once it prints its URL. */
export async function serveCli(args: string[], upstream: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', ...args, '--', ...upstream], {
    env: { ...process.env, ...env, [MARK_VAR]: env[MARK_VAR] ?? 'mcp-face' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    return { child, url, pid: child.pid!, stderr: () => err, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export interface RpcAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body, or the last `message` event of an SSE body. */
  message: any;
  /** Every message of an SSE body (JSON bodies: the one). */
  messages: any[];
}

/** Parses the `message` events of an SSE body. */
export function sseMessages(text: string): any[] {
  const out: any[] = [];
  for (const block of text.split(/\n\n/)) {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data && !/^event: endpoint/m.test(block)) out.push(JSON.parse(data));
  }
  return out;
}

export const LEGACY_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** One POST of a raw body to an MCP endpoint. */
export async function rpc(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<RpcAnswer> {
  const res = await fetch(url, {
    method,
    headers: { ...LEGACY_HEADERS, ...headers },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let messages: any[] = [];
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) messages = sseMessages(text);
  else if (text) {
    try {
      messages = [JSON.parse(text)];
    } catch {
      messages = [];
    }
  }
  return { status: res.status, headers: res.headers, text, message: messages[messages.length - 1], messages };
}

/** initialize + notifications/initialized; returns the session id. */
export async function openSession(url: string, headers: Record<string, string> = {}, protocolVersion = '2025-11-25'): Promise<string> {
  const init = await rpc(url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }, headers);
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const id = init.headers.get('mcp-session-id');
  if (!id) throw new Error('initialize: no Mcp-Session-Id');
  const done = await rpc(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...headers, 'mcp-session-id': id });
  if (done.status !== 202) throw new Error(`initialized: HTTP ${done.status}`);
  return id;
}

/** The headers and `_meta` of a 2026-07-28 request. */
export function modern(method: string, params: Record<string, unknown> = {}, name?: string): { headers: Record<string, string>; params: Record<string, unknown> } {
  return {
    headers: {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name !== undefined ? { 'mcp-name': name } : {}),
    },
    params: {
      ...params,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
        ...(params._meta as object | undefined),
      },
    },
  };
}

/** The tool names the REST face serves, read from its published spec (x-mcp-tool / x-mcp-tools). */
export async function restToolNames(base: string, headers: Record<string, string> = {}): Promise<string[]> {
  const spec = (await (await fetch(`${base}/openapi.json`, { headers })).json()) as { paths: Record<string, { post?: Record<string, unknown> }> };
  const names = new Set<string>();
  // Tool operations are the POSTs (GET /jobs/{id}, get_job, is the adapter's own, not a tool).
  for (const item of Object.values(spec.paths)) {
    const op = item.post;
    if (!op) continue;
    if (typeof op['x-mcp-tool'] === 'string') names.add(op['x-mcp-tool']);
    for (const n of (op['x-mcp-tools'] as string[] | undefined) ?? []) names.add(n);
  }
  return [...names].sort();
}
