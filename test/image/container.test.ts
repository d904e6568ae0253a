/**
 * The container image, built and run for real with podman (rootful, as CI runs): the base from Debian packages
 * and Node 20 from npm (deploy/image/build-base.sh), then deploy/image/Dockerfile. The container serves the demo
 * server as a non-root user, answers /healthz and /readyz and a call on a published port, passes its HEALTHCHECK,
 * refuses to start without its secret, and on SIGTERM (`podman stop`) finishes the call in flight and exits 0.
 *
 * Not part of `npm test` (two minutes, most of it building): `npm run test:image`, which .ci/run runs after
 * installing podman, runc and mmdebstrap.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const id = randomUUID().slice(0, 8);
const BASE = `localhost/mcp-actions-base:test-${id}`;
const IMAGE = `localhost/mcp-actions:test-${id}`;
const TOKEN = 'image-test-token';
const containers: string[] = [];
let danglingBefore = new Set<string>();
// podman on this kind of machine (see the file); the image itself needs none of it
const env = { ...process.env, CONTAINERS_CONF: join(ROOT, 'test/image/containers.conf') };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, killed after `timeoutMs`; never throws for a non-zero exit. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

async function podman(args: string[], timeoutMs = 30_000): Promise<string> {
  const r = await run('podman', args, timeoutMs);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout.trim();
}

/** Starts a container from the image, its port 8080 published on a free loopback port; returns that port. */
async function start(name: string, args: string[] = [], containerEnv: Record<string, string> = { MCP_ACTIONS_API_KEY: TOKEN }): Promise<number> {
  containers.push(name);
  const envFlags = Object.entries(containerEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await podman(['run', '-d', '--name', name, ...envFlags, '-p', '127.0.0.1::8080', IMAGE, ...args]);
  const port = Number((await podman(['port', name, '8080'])).split(':').pop());
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await send(port, '/readyz').catch(() => undefined);
    if (ready?.status === 200) return port;
    if (Date.now() > deadline) throw new Error(`${name} not ready after 30 s: ${await podman(['logs', name]).catch((e: Error) => e.message)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function send(port: number, path: string, body?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  for (const tool of ['podman', 'mmdebstrap', 'runc']) {
    if ((await run('sh', ['-c', `command -v ${tool}`], 5000)).code !== 0) {
      throw new Error(`${tool} is missing: apt-get install podman runc mmdebstrap (as .ci/run does)`);
    }
  }
  const base = await run(join(ROOT, 'deploy/image/build-base.sh'), [BASE], 300_000);
  if (base.code !== 0) throw new Error(`build-base.sh exited ${base.code}: ${base.stderr.slice(-3000)}`);
  expect(base.stdout).toContain('base ready: node v20.');
  // a TLS-intercepting proxy between this machine and the npm registry: lend its CA to the npm ci step
  const ca = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
  danglingBefore = new Set((await podman(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).split('\n'));
  const secret = existsSync(ca) ? ['--secret', `id=npm-ca,src=${ca}`] : [];
  await podman(['build', '--format', 'docker', '--build-arg', `BASE=${BASE}`, ...secret, '-f', 'deploy/image/Dockerfile', '-t', IMAGE, '.'], 300_000);
}, 620_000);

afterAll(async () => {
  for (const name of containers) await run('podman', ['rm', '-f', '-t', '0', name], 30_000);
  // and the build's intermediate stage (untagged)
  const dangling = (await podman(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).split('\n').filter((i) => i && !danglingBefore.has(i));
  await run('podman', ['rmi', '-f', IMAGE, BASE, ...dangling], 60_000);
}, 120_000);

describe('the container image', () => {
  it('runs as uid 10001, with a HEALTHCHECK on /healthz, STOPSIGNAL SIGTERM and an exec-form entrypoint', async () => {
    const config = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .Config}}', IMAGE])) as Record<string, unknown>;
    expect(config.User).toBe('10001:10001');
    expect(config.StopSignal).toBe('SIGTERM');
    expect(config.Entrypoint).toEqual(['/usr/bin/tini', '--', 'node', '/app/dist/cli.js']);
    const healthcheck = JSON.parse(await podman(['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE])) as { Test: string[] };
    expect(healthcheck.Test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(healthcheck.Test[3]).toContain("fetch('http://127.0.0.1:8080/healthz')");
  });

  it('serves the demo server on its published port: probes, a call, the HEALTHCHECK, not as root', async () => {
    const port = await start(`mcp-actions-test-${id}-serve`);
    expect(await send(port, '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(await send(port, '/tools/add', '{"a": 2, "b": 3}')).toEqual({ status: 200, body: '{"result":"5"}' });
    const name = containers.at(-1)!;
    expect(await podman(['exec', name, 'id', '-u'])).toBe('10001');
    // every process of the container: tini, node (serve), node (the MCP server), none of them root
    const users = (await podman(['top', name, 'user', 'args'])).split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]);
    expect(users.length).toBeGreaterThanOrEqual(3);
    expect(new Set(users)).toEqual(new Set(['node']));
    // podman runs the HEALTHCHECK on a systemd timer, which this machine lacks: run it once by hand
    expect((await run('podman', ['healthcheck', 'run', name], 30_000)).code).toBe(0);
    expect(await podman(['inspect', '--format', '{{.State.Health.Status}}', name])).toBe('healthy');
  }, 60_000);

  it('without the secret, exits 2 with one line naming the variable', async () => {
    const name = `mcp-actions-test-${id}-nosecret`;
    containers.push(name);
    const r = await run('podman', ['run', '--name', name, IMAGE], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--auth bearer needs a secret in the environment variable MCP_ACTIONS_API_KEY/);
  }, 60_000);

  it('on SIGTERM (podman stop) answers the call in flight, then exits 0', async () => {
    const name = `mcp-actions-test-${id}-drain`;
    const port = await start(name, ['serve', '--host', '0.0.0.0', '--port', '8080', '--auth', 'bearer', '--', 'node', 'fixtures/servers/long-running.mjs']);
    const call = send(port, '/tools/sleep', '{"ms": 2000}');
    await new Promise((r) => setTimeout(r, 500));
    const stop = await run('podman', ['stop', '-t', '20', name], 40_000);
    expect(stop.code).toBe(0);
    expect(await call).toEqual({ status: 200, body: '{"result":"slept 2000 ms"}' });
    expect(await podman(['inspect', '--format', '{{.State.ExitCode}}', name])).toBe('0');
    const logs = await run('podman', ['logs', name], 30_000);
    expect(logs.stderr + logs.stdout).toMatch(/stopping: draining in-flight calls[\s\S]*stopped after \d+ ms/);
  }, 60_000);
});
