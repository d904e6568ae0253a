/**
 * Hostile input against the built CLI's `serve`: every row answers its 4xx in the one JSON error shape,
 * never a 5xx; the process stays up and the next good call succeeds. Also: slow clients are cut off by the
 * header timeout, and the rate limit answers 429 with Retry-After.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, specValidator, stopChild } from './serve-helpers.js';

const KEY = 'k-very-secret-123';
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map(stopChild));
});

async function serve(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--log-level', 'warn', ...args, '--', process.execPath, 'fixtures/servers/fault-server.mjs'], {
    env: { ...process.env, FAULT_KEY: KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

const auth = { 'x-api-key': KEY };

/** The served spec's validator: an operation's answer must be a status it documents, in the shape it documents. */
async function specOf(url: string): Promise<ReturnType<typeof specValidator>> {
  const spec = await request(`${url}/openapi.json`, { headers: auth });
  expect(spec.status).toBe(200);
  return specValidator(spec.body);
}

/** The status is documented with a Retry-After header, and the answer carries one. */
async function expectRetryAfterDocumented(url: string, path: string, status: number): Promise<void> {
  const spec = (await request(`${url}/openapi.json`, { headers: auth })).body;
  expect(spec.paths[path].post.responses[String(status)].headers['Retry-After'].schema).toEqual({ type: 'integer', minimum: 0 });
}
const json = { 'content-type': 'application/json', ...auth };

interface Row {
  name: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  type: string;
  header?: [string, RegExp];
}

const rows: Row[] = [
  { name: 'invalid JSON', body: '{"id":', status: 400, type: 'invalid_json' },
  { name: 'wrong type', body: '{"id":5}', status: 400, type: 'invalid_arguments' },
  { name: 'missing required property', body: '{}', status: 400, type: 'invalid_arguments' },
  { name: 'extra property the schema forbids', body: '{"id":"a","x":1}', status: 400, type: 'invalid_arguments' },
  { name: 'a JSON array, not an object', body: '[1,2]', status: 400, type: 'invalid_arguments' },
  { name: '110 kB body', body: JSON.stringify({ id: 'x'.repeat(110_000) }), status: 413, type: 'payload_too_large' },
  { name: '50,000-deep nesting', body: '['.repeat(50_000) + ']'.repeat(50_000), status: 400, type: 'invalid_json' },
  { name: '__proto__ key', body: '{"id":"a","__proto__":{"polluted":true}}', status: 400, type: 'invalid_arguments' },
  { name: 'constructor key (nested)', body: '{"id":"a","o":{"constructor":{"prototype":{}}}}', status: 400, type: 'invalid_arguments' },
  { name: 'JSON sent as text/plain', headers: { 'content-type': 'text/plain', ...auth }, body: '{"id":"a"}', status: 415, type: 'unsupported_media_type' },
  { name: 'form-encoded body', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: 'id=a', status: 415, type: 'unsupported_media_type' },
  { name: 'empty body without a Content-Type (a cross-site simple request)', headers: auth, status: 415, type: 'unsupported_media_type' },
  { name: 'empty text/plain body', headers: { 'content-type': 'text/plain', ...auth }, body: '', status: 415, type: 'unsupported_media_type' },
  { name: 'a number too large for a double (1e400 would reach the server as null)', path: '/tools/slow', body: '{"ms":1e400}', status: 400, type: 'invalid_arguments' },
  { name: 'a 400-digit number', path: '/tools/slow', body: `{"ms":1${'0'.repeat(400)}}`, status: 400, type: 'invalid_arguments' },
  { name: 'raw NUL byte inside the JSON', body: Buffer.from('{"id":"a\u0000b"}'), status: 400, type: 'invalid_json' },
  { name: 'GET on a tool', method: 'GET', status: 405, type: 'method_not_allowed', header: ['allow', /^POST$/] },
  { name: 'PUT on a tool', method: 'PUT', body: '{"id":"a"}', status: 405, type: 'method_not_allowed' },
  { name: 'unknown tool', path: '/tools/nope', body: '{}', status: 404, type: 'not_found' },
  { name: '/tools/constructor', path: '/tools/constructor', body: '{}', status: 404, type: 'not_found' },
  { name: '/tools/__proto__', path: '/tools/__proto__', body: '{}', status: 404, type: 'not_found' },
  { name: 'encoded slashes', path: '/tools/..%2F..%2Fadmin', body: '{}', status: 404, type: 'not_found' },
  { name: 'encoded NUL in the tool name', path: '/tools/echo%00', body: '{}', status: 404, type: 'not_found' },
  { name: 'malformed percent-encoding', path: '/%E0%A4%A', method: 'GET', status: 404, type: 'not_found' },
  { name: 'POST on /openapi.json', path: '/openapi.json', body: '{}', status: 405, type: 'method_not_allowed' },
  { name: 'credentials missing', headers: { 'content-type': 'application/json' }, body: '{"id":"a"}', status: 401, type: 'unauthorized', header: ['www-authenticate', /.+/] },
  { name: 'credentials wrong', headers: { 'content-type': 'application/json', 'x-api-key': 'nope' }, body: '{"id":"a"}', status: 401, type: 'unauthorized' },
  { name: 'credentials in the query string', path: `/tools/echo?api_key=${KEY}`, headers: { 'content-type': 'application/json' }, body: '{"id":"a"}', status: 401, type: 'unauthorized' },
];

describe('the bad-input matrix', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let conforms: ReturnType<typeof specValidator>;
  beforeAll(async () => {
    served = await serve(['--auth', 'api-key', '--api-key-env', 'FAULT_KEY']);
    conforms = await specOf(served.url);
  });

  it.each(rows)('$name → $status $type', async (row) => {
    const method = row.method ?? 'POST';
    const answer = await request(`${served.url}${row.path ?? '/tools/echo'}`, {
      method,
      headers: row.headers ?? (method === 'GET' ? auth : json),
      ...(row.body !== undefined ? { body: row.body } : {}),
    });
    expect(answer.status).toBe(row.status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ error: { type: row.type, message: expect.any(String), ...(answer.body.error.details ? { details: answer.body.error.details } : {}) } });
    expect(answer.body.error.message.length).toBeGreaterThan(10);
    expect(answer.text).not.toMatch(/at .*\.js:\d+|<html/i);
    if (row.header) expect(answer.headers.get(row.header[0])).toMatch(row.header[1]);
    if (method === 'POST') expect(conforms((row.path ?? '/tools/echo').split('?')[0]!, row.status, answer.body)).toBeUndefined();
    // Still up, and the next good call succeeds.
    expect(served.child.exitCode).toBeNull();
    const good = await request(`${served.url}/tools/echo`, { method: 'POST', headers: json, body: JSON.stringify({ id: row.name }) });
    expect(good.status).toBe(200);
    expect(good.body.id).toBe(row.name);
  });

  it('never logged a 5xx', () => {
    expect(served.stderr()).not.toMatch(/"status":5\d\d/);
  });

  it('cuts off a client that never finishes its headers (--headers-timeout)', async () => {
    const slow = await serve(['--headers-timeout', '400']);
    const { port, hostname } = new URL(slow.url);
    const t0 = performance.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () => socket.write('POST /tools/echo HTTP/1.1\r\nHost: x\r\n'));
      let got = '';
      socket.on('data', (c) => (got += c.toString()));
      socket.on('close', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { type: 'request_timeout', message: expect.stringContaining('--headers-timeout') } });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await request(`${slow.url}/healthz`)).status).toBe(200);
  });

  it.each([
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400, 'bad_request'],
    ['a bad header line', 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', 400, 'bad_request'],
    ['both Content-Length and chunked (request smuggling)', 'POST /tools/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'bad_request'],
  ])('answers what node:http refuses itself in the error shape: %s', async (_name, raw, status, type) => {
    const { port, hostname } = new URL(served.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () => socket.write(raw));
      let got = '';
      socket.on('data', (c) => (got += c.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { type, message: expect.any(String) } });
    expect(body.error.message.length).toBeLessThan(200);
    expect(served.child.exitCode).toBeNull();
  });

  it('answers 429 with Retry-After past --rate-limit, per client', async () => {
    const limited = await serve(['--rate-limit', '3/min']);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(`${limited.url}/tools/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"id":"r${i}"}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.body.error.type).toBe('rate_limited');
    const after = Number(last!.headers.get('retry-after'));
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThanOrEqual(60);
    expect((await specOf(limited.url))('/tools/echo', 429, last!.body)).toBeUndefined();
    await expectRetryAfterDocumented(limited.url, '/tools/echo', 429);
    expect((await request(`${limited.url}/healthz`)).status).toBe(200);
  });
});

describe('serve respawns its MCP server', () => {
  it('logs each failed respawn with the stderr tail, answers 503 meanwhile, serves again once it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-respawn-'));
    const crash = join(dir, 'crash');
    try {
      const served = await serve([], { FAULT_CRASH_FILE: crash });
      writeFileSync(crash, '');
      const died = await request(`${served.url}/tools/die`, { method: 'POST', json: {} });
      expect(died.status).toBe(502);
      await expect.poll(() => served.stderr(), { timeout: 8000 }).toContain('upstream reconnect failed');
      expect(served.stderr()).toContain('cannot open the database');
      expect(served.stderr()).toContain('upstream connection lost; reconnecting');
      const during = await request(`${served.url}/tools/echo`, { method: 'POST', json: { id: 'd' } });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(during.body.error.type).toBe('upstream_unavailable');
      expect((await specOf(served.url))('/tools/echo', 503, during.body)).toBeUndefined();
      await expectRetryAfterDocumented(served.url, '/tools/echo', 503);
      rmSync(crash);
      await expect.poll(async () => (await request(`${served.url}/tools/echo`, { method: 'POST', json: { id: 'e' } })).status, { timeout: 10_000, interval: 200 }).toBe(200);
      expect(served.child.exitCode).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 25_000);
});
