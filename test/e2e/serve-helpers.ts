/** Helpers for the adapter tests: start an adapter in-process, call it, check bodies against the spec. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { Agent } from 'undici';
import { createAdapter, type Adapter, type AdapterOptions } from '../../src/adapter/app.js';
import { listen, type Listening } from '../../src/adapter/listen.js';
import { Upstream } from '../../src/adapter/upstream.js';
import type { Target } from '../../src/mcp/target.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;

export const EVERYTHING = 'node_modules/@modelcontextprotocol/server-everything/dist/index.js';
export const FILESYSTEM = 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js';
export const MEMORY = 'node_modules/@modelcontextprotocol/server-memory/dist/index.js';

export function stdio(script: string, args: string[] = [], env: Record<string, string> = {}): Target {
  return { kind: 'stdio', command: process.execPath, args: [script, ...args], env };
}

export interface Running {
  url: string;
  adapter: Adapter;
  upstream: Upstream;
  listening: Listening;
  close(): Promise<void>;
}

/** Upstream + createAdapter + listen on 127.0.0.1:0; the spec's server URL is the local one unless given. */
export async function startAdapter(target: Target, options: Partial<Omit<AdapterOptions, 'upstream'>> = {}): Promise<Running> {
  const upstream = await Upstream.start(target, { timeoutMs: 20_000, baseEnv: process.env });
  try {
    const adapter = createAdapter({ specOptions: { profile: 'generic' }, ...options, upstream });
    const listening = await listen(adapter.handler, 0, '127.0.0.1');
    if (!options.specOptions?.serverUrl) adapter.republish({ serverUrl: listening.url });
    return {
      url: listening.url,
      adapter,
      upstream,
      listening,
      close: async () => {
        adapter.dispose();
        await listening.close();
        await upstream.close();
      },
    };
  } catch (error) {
    await upstream.close();
    throw error;
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/**
 * The tests' own connection pool: an idle connection is dropped after 1 s, well before `serve` closes it (5 s).
 * With fetch's default (the server's hint less a second, on a coarse timer), a test process under heavy load
 * could send a request on a socket the server was closing, and get "other side closed" for a request that the
 * server never saw: the keep-alive race every HTTP/1.1 client has, not something under test.
 */
const agent = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });

export async function request(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const res = await fetch(url, { dispatcher: agent, ...init, headers, body, method: init.method ?? (body === undefined ? 'GET' : 'POST') } as RequestInit);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** POST a tool's arguments. */
export function callTool(base: string, operationId: string, args: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return request(`${base}/tools/${operationId}`, { method: 'POST', json: args, headers });
}

/**
 * Checks a body against the schema the spec declares for `path` and `status`. For a path that is an operation,
 * the status must be one the operation documents; other paths (unknown routes, 405 on the spec) are checked
 * against the Error schema. Schemas are applied as written (additionalProperties: false included).
 * Returns ajv's errors, or undefined when it conforms.
 */
export function specValidator(spec: OpenAPIObject): (path: string, status: number, body: unknown) => string | undefined {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(spec as object, 'spec');
  const cache = new Map<string, ReturnType<Ajv2020['compile']>>();
  const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  return (path, status, body) => {
    const op = spec.paths?.[path]?.post;
    const declared = op?.responses?.[String(status)];
    if (op && !declared) return `status ${status} is not documented for ${path}`;
    const ref = declared
      ? `spec#/paths/${pointer(path)}/post/responses/${status}/content/${pointer('application/json')}/schema`
      : 'spec#/components/schemas/Error';
    let validate = cache.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      cache.set(ref, validate);
    }
    return validate(body) ? undefined : ajv.errorsText(validate.errors);
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns server-everything in streamableHttp mode and waits until it answers. */
export async function startEverythingHttp(): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => stopChild(child);
  const url = `http://127.0.0.1:${port}/mcp`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return { url, child, stop };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error('server-everything (streamableHttp) did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
