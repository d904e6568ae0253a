/**
 * `mcp-actions serve` and `mcp-actions call` as a user runs them: the built CLI, spawned. The spec served at
 * /openapi.json and /openapi.yaml is byte for byte what `generate openapi` prints for the same options.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callCommand } from '../../src/commands/call.js';
import { serveCommand } from '../../src/commands/serve.js';
import { McpConnectionError, UsageError, formatError } from '../../src/errors.js';
import { EVERYTHING, callTool, request, stopChild } from './serve-helpers.js';

const run = promisify(execFile);
const CLI = 'dist/cli.js';
const DEMO = ['--', process.execPath, 'fixtures/servers/demo.mjs'];
const children: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map(stopChild));
});

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Spawns `serve --port 0 …` and waits for the URL it prints on stdout. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(line!);
    });
    void exit.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, url, stderr: () => err, exit };
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('serve with a public URL and an API key', () => {
  const specFlags = ['--public-url', 'https://api.example.com', '--auth', 'api-key', '--api-key-header', 'X-Custom-Key', '--consequential', 'all'];
  const generateFlags = ['--server-url', 'https://api.example.com', '--auth', 'api-key', '--api-key-header', 'X-Custom-Key', '--consequential', 'all'];
  let served: Served;
  beforeAll(async () => {
    served = await serve([...specFlags, '--api-key-env', 'DEMO_KEY', ...DEMO], { DEMO_KEY: 'k-123456' });
  });

  it('prints the URL it listens on, on stdout', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.stderr()).not.toContain('no --public-url');
  });

  it('publishes at /openapi.json exactly what `generate openapi --format json` prints', async () => {
    const generated = await cli(['generate', 'openapi', '--format', 'json', ...generateFlags, ...DEMO]);
    expect(generated.code).toBe(0);
    const published = await request(`${served.url}/openapi.json`);
    expect(published.status).toBe(200);
    expect(published.headers.get('content-type')).toMatch(/^application\/json/);
    expect(published.text).toBe(generated.stdout);
    expect(published.body.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(published.body.components.securitySchemes).toEqual({ apiKey: { type: 'apiKey', in: 'header', name: 'X-Custom-Key' } });
  });

  it('publishes at /openapi.yaml exactly what `generate openapi` prints', async () => {
    const generated = await cli(['generate', 'openapi', ...generateFlags, ...DEMO]);
    expect(generated.code).toBe(0);
    expect((await request(`${served.url}/openapi.yaml`)).text).toBe(generated.stdout);
  });

  it('checks the key, and logs one line per call on stderr without the key or the arguments', async () => {
    expect((await callTool(served.url, 'get_forecast', { city: 'Lisbon' })).status).toBe(401);
    const ok = await callTool(served.url, 'get_forecast', { city: 'Lisbon' }, { 'X-Custom-Key': 'k-123456' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ city: 'Lisbon', units: 'metric' });
    await expect.poll(() => served.stderr().split('\n').filter((l) => l.includes('"msg":"call"')).length).toBe(2);
    const lines = served.stderr().split('\n').filter((l) => l.includes('"msg":"call"')).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.tool, l.status])).toEqual([
      ['get_forecast', 401],
      ['get_forecast', 200],
    ]);
    expect(served.stderr()).not.toContain('k-123456');
    expect(served.stderr()).not.toContain('Lisbon');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
  });
});

describe('serve without a public URL', () => {
  it('warns, and serves a spec for its local address', async () => {
    const served = await serve(DEMO);
    expect(served.stderr()).toContain('warning: no --public-url');
    const spec = (await request(`${served.url}/openapi.json`)).body;
    expect(spec.servers).toEqual([{ url: served.url }]);
    expect((await callTool(served.url, 'add', { a: 2, b: 3 })).status).toBe(200);
    served.child.kill('SIGINT');
    expect(await served.exit).toBe(0);
  });
});

describe('serve refuses unsafe or incomplete settings', () => {
  it('exits 2 with one line when asked to bind a public address without auth', async () => {
    const r = await cli(['serve', '--host', '0.0.0.0', ...DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mcp-actions: refusing to listen on 0\.0\.0\.0 without auth.*--no-auth/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  // The same checks in-process (the CLI maps every UsageError to exit 2 as above).
  it.each([
    [{ host: '::' }, {}, /refusing to listen on :: without auth/],
    [{ host: '0.0.0.0', auth: 'bearer', apiKeyEnv: 'UNSET_VAR_X' }, {}, /--auth bearer needs a secret in the environment variable UNSET_VAR_X, which is not set/],
    [{ auth: 'bearer' }, { MCP_ACTIONS_API_KEY: '' }, /--auth bearer needs a secret in the environment variable MCP_ACTIONS_API_KEY, which is empty/],
    [{ auth: 'basic', apiKeyEnv: 'BASIC_SECRET' }, { BASIC_SECRET: 'no-colon' }, /--auth basic needs BASIC_SECRET to hold "user:password"/],
    [{ auth: 'api-key', apiKeyEnv: 'my-secret-value' }, {}, /--api-key-env "my-secret-value" is not an environment variable name/],
    [{ auth: 'oauth', oauthAuthorizationUrl: 'https://a.example.com/a', oauthTokenUrl: 'https://a.example.com/t' }, { MCP_ACTIONS_API_KEY: 'x' }, /serve --auth oauth needs --oauth-issuer/],
    [{ auth: 'oauth', oauthIssuer: 'http://auth.example.com' }, {}, /--oauth-issuer "http:\/\/auth\.example\.com" is not https; .*localhost and 127\.0\.0\.1 only/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com?x=1' }, {}, /--oauth-issuer "https:\/\/auth\.example\.com\?x=1" has a query or fragment/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com', oauthIntrospection: true, oauthIntrospectionUrl: 'https://auth.example.com/i' }, {}, /--oauth-introspection and --oauth-introspection-url are one setting given twice/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com', oauthIntrospectionUrl: 'http://auth.example.com/i' }, {}, /--oauth-introspection-url "http:\/\/auth\.example\.com\/i" is not https/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com', oauthIntrospection: true, oauthIntrospectionTtl: '7200' }, {}, /--oauth-introspection-ttl "7200" is not an integer between 0 and 3600/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com', oauthIntrospectionTtl: '30' }, {}, /--oauth-introspection-ttl needs --oauth-introspection/],
    [{ oauthIntrospection: true }, {}, /--oauth-introspection only applies to --auth oauth/],
    [{ auth: 'oauth', oauthIssuer: 'https://auth.example.com', oauthReadScope: 'read write' }, {}, /--oauth-read-scope "read write" is not one OAuth scope/],
    [{ auth: 'bearer', oauthIssuer: 'https://auth.example.com' }, { MCP_ACTIONS_API_KEY: 'x' }, /--oauth-issuer only applies to --auth oauth/],
    [{ oauthWriteScope: 'w' }, {}, /--oauth-write-scope only applies to --auth oauth/],
    [{ port: '70000' }, {}, /--port "70000" is not an integer between 0 and 65535/],
    [{ callTimeout: '0' }, {}, /--call-timeout "0" is not an integer/],
    [{ publicUrl: 'https://a.example.com', serverUrl: 'https://b.example.com' }, {}, /--public-url and --server-url disagree/],
  ])('%j', async (opts, env, message) => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: env as Record<string, string>, cwd: process.cwd() };
    const error = await serveCommand(DEMO.slice(1), opts, io, { stop: Promise.resolve() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect(formatError(error as UsageError)).toMatch(message);
  });
});

describe('serve says how many tools it serves', () => {
  it('counts the tools it publishes, not the catalog (--include narrows server-everything\'s 13 tools)', async () => {
    let err = '';
    const io = { stdout: () => undefined, stderr: (s: string) => void (err += s), env: process.env, cwd: process.cwd() };
    let stop!: () => void;
    const stopped = new Promise<string>((resolve) => (stop = () => resolve('test')));
    let url = '';
    const done = serveCommand([process.execPath, EVERYTHING, 'stdio'], { port: '0', logLevel: 'silent', include: ['get-*'] }, io, {
      stop: stopped,
      onListening: (u) => {
        url = u;
        stop();
      },
    });
    expect(await done).toBe(0);
    expect(url).toMatch(/^http:/);
    const generated = await run(process.execPath, [CLI, 'generate', 'openapi', '--profile', 'generic', '--server-url', 'http://127.0.0.1', '--format', 'json', '--include', 'get-*', '--', process.execPath, EVERYTHING, 'stdio']);
    const tools = Object.keys((JSON.parse(generated.stdout) as { paths: object }).paths).filter((p) => p.startsWith('/tools/')).length;
    const catalog = Number(/: (\d+) tools →/.exec(generated.stderr)?.[1]);
    expect(tools).toBeGreaterThan(1);
    expect(catalog).toBeGreaterThan(tools);
    const line = err.split('\n').find((l) => l.startsWith('serving '));
    expect(line).toMatch(new RegExp(`^serving ${tools} tools \\(${catalog - tools} of ${catalog} left out\\) of `));
  });
});

describe('serve with a server that dies at start-up', () => {
  it('fails with exit 2 and the server\'s last stderr lines', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: process.env, cwd: process.cwd() };
    const script = "process.stderr.write('fatal: no database configured\\n'); process.exit(3)";
    const error = await serveCommand([process.execPath, '-e', script], { port: '0' }, io, { stop: Promise.resolve() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as McpConnectionError).exitCode).toBe(2);
    expect(formatError(error as McpConnectionError)).toMatch(/exited with code 3 before answering[\s\S]*fatal: no database configured/);
  });
});

describe('call', () => {
  it('prints the status and body the adapter would answer', async () => {
    const r = await cli(['call', 'get_forecast', '--args', '{"city":"Lisbon","days":2}', ...DEMO]);
    expect(r.code).toBe(0);
    const [status, ...body] = r.stdout.split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body.join('\n'))).toMatchObject({ city: 'Lisbon', temperatures: [expect.any(Number), expect.any(Number)] });
  });

  it('answers 400 for arguments that fail the schema, exit 1', async () => {
    const r = await cli(['call', 'get_forecast', '--args', '{"city":"Lisbon","days":9}', ...DEMO]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('400');
    expect(JSON.parse(r.stdout.slice(4)).error.details).toEqual([{ path: '/days', message: '"/days" must be <= 7' }]);
  });

  it('refuses an unknown tool with exit 2, naming the tools', async () => {
    const r = await cli(['call', 'nope', ...DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server has no tool "nope"; its tools: add, create_note/);
  });

  it('runs a task-only tool as an MCP task, to its end (simulate-research-query)', async () => {
    const everything = ['--', 'node', 'node_modules/@modelcontextprotocol/server-everything/dist/index.js', 'stdio'];
    const r = await cli(['call', 'simulate-research-query', '--args', '{"topic":"x"}', ...everything]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('200');
    expect(JSON.parse(r.stdout.slice(4)).result).toContain('# Research Report: x');
    const unknown = await cli(['call', 'no-such-tool', ...everything]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no tool "no-such-tool"; its tools: .*get-sum/);
  }, 90_000);

  it.each([
    ['{a:1}', /--args is not valid JSON/],
    ['[1]', /--args must be a JSON object/],
  ])('refuses --args %s before connecting', async (args, message) => {
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: process.cwd() };
    await expect(callCommand('add', DEMO.slice(1), { args }, io)).rejects.toThrow(message);
  });
});
