/**
 * The scale-out fronts of the benchmark (issue 16): a real redis-server and a real nginx (Debian packages), each
 * started here on a free port of 127.0.0.1 with its files in a temporary directory, and stopped with the scenario.
 * The nginx configuration is the one docs/scale-out.md shows (hash on the credential, consistent).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, readStat, stopTree, waitForOutput, waitForPort } from './procs.mjs';

const START_TIMEOUT_MS = 10_000;

function binary(name) {
  const found = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin"; command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(`${name} not found: apt-get install ${name} (.ci/run does)`);
  return path;
}

/** Like procs.spawnNode, for a binary: the shape stopTree takes. */
function spawnBinary(path, args) {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (chunk) => (tail = (tail + chunk.toString('utf8')).slice(-4000));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  child.once('exit', () => (exited = true));
  return { child, pid: child.pid, record: readStat(child.pid), tail: () => tail, exited: () => exited };
}

/** redis-server without persistence; resolves with its URL and a stop() that also removes its directory. */
export async function startRedisServer(records) {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-bench-redis-'));
  const port = await freePort();
  const proc = spawnBinary(binary('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', '']);
  const stop = async () => {
    records.push(...(await stopTree(proc)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(proc, /Ready to accept connections/, START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, proc, stop };
}

/** nginx in front of the replica ports; resolves with its URL and stop(). */
export async function startNginxFront(ports, records) {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-bench-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream mcp_actions {
    hash $http_authorization consistent;
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp_actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_next_upstream error timeout;
      proxy_buffering off;
    }
  }
}
`,
  );
  const proc = spawnBinary(binary('nginx'), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]);
  const stop = async () => {
    records.push(...(await stopTree(proc)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, START_TIMEOUT_MS, proc.exited);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : error}: ${proc.tail()}`);
  }
  return { url: `http://127.0.0.1:${port}`, proc, stop };
}
