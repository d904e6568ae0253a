/**
 * What a web page can do to `serve` on its defaults (loopback bind, no auth), tried with the requests a browser
 * really sends: a DNS-rebinding page (foreign Host) reading a file through server-filesystem and the spec, and
 * cross-site "simple" requests (no preflight: empty, text/plain and form POSTs, foreign Origin) running a tool.
 * Each is refused before anything runs, with the JSON error shape; ChatGPT-style and same-origin requests pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILESYSTEM, stopChild } from './serve-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-guards-'));
const SECRET = join(dir, 'secret.txt');
writeFileSync(SECRET, 'the-secret-content');
const children: ChildProcess[] = [];

interface Served {
  url: string;
  port: number;
  stderr: () => string;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) ok(out.split('\n')[0]!);
    });
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${err}`)));
  });
  return { url, port: Number(new URL(url).port), stderr: () => err };
}

interface Raw {
  status: number;
  text: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** node:http, so Host is sent as given (fetch would put the URL's host there). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        ok({ status: res.statusCode!, text, body: parsed, headers: res.headers });
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

const callLines = (s: Served) => s.stderr().split('\n').filter((l) => l.includes('"msg":"call"'));

let single: Served;
let multi: Served;
beforeAll(async () => {
  writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { fs: { command: process.execPath, args: [resolve(FILESYSTEM), dir] }, fs2: { command: process.execPath, args: [resolve(FILESYSTEM), dir] } } }));
  [single, multi] = await Promise.all([
    serve(['--allowed-host', 'mcp.internal', '--cors', 'https://app.example.com', '--', process.execPath, FILESYSTEM, dir]),
    serve(['--config', join(dir, 'mcp.json')]),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map(stopChild));
  rmSync(dir, { recursive: true, force: true });
});

describe('DNS rebinding: a foreign Host is refused on every route', () => {
  const readSecret = (s: Served, path: string, host: string) =>
    raw(s.port, 'POST', path, { host, 'content-type': 'application/json' }, JSON.stringify({ path: SECRET }));

  it('refuses the rebinding page a file and the spec (single server)', async () => {
    const host = `rebind.attacker.example:${single.port}`;
    const read = await readSecret(single, '/tools/read_text_file', host);
    expect(read.status).toBe(403);
    expect(read.text).not.toContain('the-secret-content');
    expect(read.body.error).toMatchObject({ type: 'forbidden', message: expect.stringContaining('--allowed-host rebind.attacker.example') });
    for (const path of ['/openapi.json', '/openapi.yaml', '/docs', '/readyz', '/healthz', '/no-such-route']) {
      const r = await raw(single.port, 'GET', path, { host });
      expect([path, r.status, r.body?.error?.type]).toEqual([path, 403, 'forbidden']);
    }
    expect(callLines(single).filter((l) => l.includes('read_text_file'))).toEqual([]);
  });

  it('refuses it with several servers too', async () => {
    const host = `rebind.attacker.example:${multi.port}`;
    const read = await readSecret(multi, '/fs/tools/read_text_file', host);
    expect(read.status).toBe(403);
    expect(read.text).not.toContain('the-secret-content');
    for (const path of ['/openapi.json', '/fs/openapi.json', '/docs', '/readyz']) expect((await raw(multi.port, 'GET', path, { host })).status).toBe(403);
  });

  it('answers loopback names, IP addresses and --allowed-host', async () => {
    for (const host of [`localhost:${single.port}`, `127.0.0.1:${single.port}`, `mcp.internal:${single.port}`, 'MCP.INTERNAL']) {
      const read = await readSecret(single, '/tools/read_text_file', host);
      expect([host, read.status]).toEqual([host, 200]);
      expect(read.text).toContain('the-secret-content');
    }
    expect((await readSecret(multi, '/fs/tools/read_text_file', `localhost:${multi.port}`)).status).toBe(200);
  });

  it('answers the --public-url host', async () => {
    const pub = await serve(['--public-url', 'https://tools.example.com', '--', process.execPath, FILESYSTEM, dir]);
    expect((await raw(pub.port, 'GET', '/openapi.json', { host: 'tools.example.com' })).status).toBe(200);
    expect((await raw(pub.port, 'GET', '/openapi.json', { host: 'other.example.com' })).status).toBe(403);
  });
});

describe('cross-site simple requests: refused before anything runs', () => {
  const at = (s: Served) => `127.0.0.1:${s.port}`;

  it('an empty POST, a text/plain and a form POST do not run a tool that takes no arguments', async () => {
    for (const s of [single, multi]) {
      const path = s === single ? '/tools/list_allowed_directories' : '/fs/tools/list_allowed_directories';
      const before = callLines(s).length;
      const tries = [
        await raw(s.port, 'POST', path, { host: at(s) }),
        await raw(s.port, 'POST', path, { host: at(s), 'content-type': 'text/plain;charset=UTF-8' }, ''),
        await raw(s.port, 'POST', path, { host: at(s), 'content-type': 'text/plain' }, '{}'),
        await raw(s.port, 'POST', path, { host: at(s), 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'),
        await raw(s.port, 'POST', path, { host: at(s), 'content-type': 'multipart/form-data; boundary=x' }, '--x--'),
      ];
      expect(tries.map((t) => [t.status, t.body?.error?.type])).toEqual(Array(5).fill([415, 'unsupported_media_type']));
      expect(tries[0]!.body.error.message).toContain('Content-Type: application/json');
      expect(callLines(s).slice(before).filter((l) => l.includes('"status":200'))).toEqual([]);
    }
  });

  it('a JSON POST with an empty body still runs it (what an API client sends)', async () => {
    const ok = await raw(single.port, 'POST', '/tools/list_allowed_directories', { host: at(single), 'content-type': 'application/json' });
    expect(ok.status).toBe(200);
  });

  it('a foreign Origin is 403 on POST, GET and preflight, even with a JSON body', async () => {
    for (const s of [single, multi]) {
      const prefix = s === single ? '' : '/fs';
      const origin = { host: at(s), origin: 'https://evil.example' };
      const post = await raw(s.port, 'POST', `${prefix}/tools/read_text_file`, { ...origin, 'content-type': 'application/json' }, JSON.stringify({ path: SECRET }));
      expect(post.status).toBe(403);
      expect(post.text).not.toContain('the-secret-content');
      expect(post.body.error.message).toContain('--cors https://evil.example');
      expect((await raw(s.port, 'GET', '/openapi.json', origin)).status).toBe(403);
      expect((await raw(s.port, 'OPTIONS', `${prefix}/tools/read_text_file`, { ...origin, 'access-control-request-method': 'POST' })).status).toBe(403);
      expect((await raw(s.port, 'POST', `${prefix}/tools/read_text_file`, { host: at(s), origin: 'null', 'content-type': 'application/json' }, '{}')).status).toBe(403);
    }
  });

  it('the adapter\'s own origin (Swagger UI at /docs) and a --cors origin pass', async () => {
    const body = JSON.stringify({ path: SECRET });
    const json = { host: at(single), 'content-type': 'application/json' };
    const same = await raw(single.port, 'POST', '/tools/read_text_file', { ...json, origin: `http://${at(single)}` }, body);
    expect(same.status).toBe(200);
    const listed = await raw(single.port, 'POST', '/tools/read_text_file', { ...json, origin: 'https://app.example.com' }, body);
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const preflight = await raw(single.port, 'OPTIONS', '/tools/read_text_file', { host: at(single), origin: 'https://app.example.com', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(204);
  });
});

describe('--allowed-host', () => {
  it('refuses what is not a host name, before starting anything', async () => {
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--allowed-host', 'https://x.example.com', '--', process.execPath, FILESYSTEM, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((ok) => child.once('exit', ok));
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^mcp-actions: --allowed-host "https:\/\/x\.example\.com" is not a host name/);
  });
});
