/**
 * A real nginx (the Debian package) in front of replicas, for a test file: a generated config in a temporary
 * directory (`-p dir -c nginx.conf`, `daemon off`, its own error log and temp paths, nothing under /etc or
 * /var), listening on a free port of 127.0.0.1, stopped by the test even when it fails. The config is the one
 * docs/scale-out.md shows: consistent hashing on the caller's credential, retries of idempotent requests only.
 * Not installed → the test fails with the command that installs it (no skipping).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './cli.js';
import { MARK_VAR } from './processes.js';
import { requireBinary } from './redis.js';

export interface Nginx {
  url: string;
  config: string;
  /** nginx's access log: one line per request, `status upstream_addr upstream_status`. */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The upstream block and proxy settings of docs/scale-out.md, for these replica ports. */
export function nginxConfig(dir: string, port: number, replicas: number[]): string {
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format replicas '$status $upstream_addr $upstream_status $request_method $uri';
  access_log ${dir}/access.log replicas;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;

  upstream mcp_actions {
    # one user -> one replica (their per-user MCP server, their MCP session); a replica that leaves moves only its users
    hash $http_authorization consistent;
${replicas.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 32;
    # under serve's 5 s keep-alive: nginx drops an idle connection first, never reusing one serve has just
    # closed (that POST would get 502; nginx's default is 60 s)
    keepalive_timeout 4s;
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp_actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # a replica that refuses or drops the connection: GET (job polls) and POSTs never sent go to the next one;
      # a POST already sent is not retried (non_idempotent is off): the tool may have run
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 2s;
      proxy_read_timeout 75s;
      # /mcp and /sse stream
      proxy_buffering off;
      add_header X-Replica $upstream_addr always;
    }
  }
}
`;
}

export async function startNginx(options: { mark: string; replicas: number[] }): Promise<Nginx> {
  const binary = requireBinary('nginx');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-actions-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  const config = nginxConfig(dir, port, options.replicas);
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    env: { ...process.env, [MARK_VAR]: options.mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, { timeoutMs: 10_000, proc: { child, output: () => `${output}${read('error.log')}`, stop } });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, config, accessLog: () => read('access.log'), errorLog: () => read('error.log'), stop };
}
