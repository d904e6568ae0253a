/**
 * The fronts under test. Each `start()` brings one up in front of its own server-everything stdio child and
 * returns a caller plus the means to measure it: `frontCpuMs()` (the front process only), `childCpuMs()` (every
 * process the front started, i.e. the stdio server), `peakRssMb()` (the front's VmHWM) and `stop()`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hasCommand } from './generator.mjs';
import { connectDirect, connectMcpHttp, connectRest } from './clients.mjs';
import { descendants, freePort, peakRssMb, readStat, spawnNode, stopTree, waitForOutput, waitForPort } from './procs.mjs';
import { startNginxFront, startRedisServer } from './scale.mjs';

const START_TIMEOUT_MS = 30_000;

/** Path of a package's bin script (so it runs as `node script`, whose PID is the front itself). */
export function binScript(root, pkg, name) {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return join(dir, typeof bin === 'string' ? bin : bin[name]);
}

const sumCpu = (procs) => procs.reduce((total, p) => total + p.cpuMs, 0);

/** Measurement hooks for a front running as process `proc`. */
function measured(proc, caller, records) {
  return {
    call: caller.call,
    frontPid: proc.pid,
    frontCpuMs: () => readStat(proc.pid)?.cpuMs ?? NaN,
    childCpuMs: () => sumCpu(descendants(proc.pid)),
    peakRssMb: () => peakRssMb(proc.pid),
    stop: async () => {
      await caller.close().catch(() => {});
      records.push(...(await stopTree(proc)));
    },
  };
}

/** True when the built CLI has a `serve` command (the adapter has landed). */
export function adapterAvailable(root) {
  return hasCommand(join(root, 'dist', 'cli.js'), ['serve']);
}

/**
 * @param {{ root: string, everything: string, concurrency: number, records: object[], nodeArgs?: string[], baseline?: string }} ctx
 *   records collects every process started, so the caller can prove none is left; nodeArgs go to each HTTP
 *   front's node (e.g. --cpu-prof).
 */
export function defineFronts({ root, everything, concurrency, records, nodeArgs = [], baseline }) {
  const upstream = [process.execPath, everything, 'stdio'];
  const startHttp = async (script, args, url, env) => {
    const proc = spawnNode(script, args, { nodeArgs, env });
    try {
      const port = await url(proc);
      return { proc, port };
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw new Error(`${error instanceof Error ? error.message : error}\n${proc.tail()}`);
    }
  };
  /** A peer bridge (its package's bin, same name) on a free port, driven over Streamable HTTP at /mcp. */
  const startPeer = async (pkg, argsFor) => {
    const port = await freePort();
    const { proc } = await startHttp(binScript(root, pkg, pkg), argsFor(port), async (p) => {
      await waitForPort(port, START_TIMEOUT_MS, p.exited);
      return port;
    });
    try {
      return measured(proc, await connectMcpHttp(`http://127.0.0.1:${port}/mcp`, concurrency), records);
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw error;
    }
  };
  /** The adapter of `cli`, driven over REST (`POST /tools/echo`) or, `face: 'mcp'`, as the peers: JSON-RPC POSTs to /mcp. */
  const startAdapter = async (cli, face = 'rest') => {
    const { proc, port } = await startHttp(cli, ['serve', '--port', '0', '--', ...upstream], async (p) =>
      Number((await waitForOutput(p, /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/, START_TIMEOUT_MS))[1]),
    );
    if (face === 'rest') return measured(proc, connectRest(`http://127.0.0.1:${port}`, concurrency), records);
    try {
      return measured(proc, await connectMcpHttp(`http://127.0.0.1:${port}/mcp`, concurrency), records);
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw error;
    }
  };
  /** `serve --per-user --auth bearer` with 20 keys; the callers take `users` of them in turn. */
  const startPerUser = async (cli, users) => {
    const keys = Array.from({ length: 20 }, (_, i) => `bench-user-${i}`);
    const args = ['serve', '--port', '0', '--auth', 'bearer', '--per-user', '--log-level', 'warn', '--', ...upstream];
    const { proc, port } = await startHttp(cli, args, async (p) => Number((await waitForOutput(p, /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/, START_TIMEOUT_MS))[1]), {
      MCP_ACTIONS_API_KEY: keys.join('\n'),
    });
    const headers = keys.slice(0, users).map((key) => ({ authorization: `Bearer ${key}` }));
    return measured(proc, connectRest(`http://127.0.0.1:${port}`, concurrency, headers), records);
  };
  /**
   * Issue 16: `serve --auth bearer --rate-limit` (a limit no call reaches) with 20 keys the callers take in turn,
   * counting in memory or, with `redis`, in a real redis-server; `replicas` > 1 puts a real nginx (hash on the
   * credential) in front of that many replicas sharing the Redis. Front CPU = the replicas' CPU (nginx and Redis
   * are not counted: they are the price of any scale-out, not of the adapter).
   */
  const startScaled = async (cli, { redis, replicas }) => {
    const keys = Array.from({ length: 20 }, (_, i) => `bench-user-${i}`);
    const headers = keys.map((key) => ({ authorization: `Bearer ${key}` }));
    const extra = [];
    const stopExtra = async () => {
      for (const e of extra.reverse()) await e.stop().catch(() => {});
    };
    try {
      const store = redis ? await startRedisServer(records) : undefined;
      if (store) extra.push(store);
      const args = ['serve', '--port', '0', '--auth', 'bearer', '--rate-limit', '1000000000/min', '--log-level', 'warn', ...(store ? ['--redis', store.url] : []), '--', ...upstream];
      const started = await Promise.all(
        Array.from({ length: replicas }, () =>
          startHttp(cli, args, async (p) => Number((await waitForOutput(p, /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/, START_TIMEOUT_MS))[1]), { MCP_ACTIONS_API_KEY: keys.join('\n') }),
        ),
      );
      for (const { proc } of started) extra.push({ stop: async () => records.push(...(await stopTree(proc))) });
      if (replicas === 1) {
        const caller = connectRest(`http://127.0.0.1:${started[0].port}`, concurrency, headers);
        const m = measured(started[0].proc, caller, records);
        return { ...m, stop: async () => (await caller.close().catch(() => {}), await stopExtra()) };
      }
      const nginx = await startNginxFront(started.map((s) => s.port), records);
      extra.push(nginx);
      const caller = connectRest(nginx.url, concurrency, headers);
      const procs = started.map((s) => s.proc);
      return {
        call: caller.call,
        frontPid: procs[0].pid,
        frontCpuMs: () => sumCpu(procs.map((p) => readStat(p.pid) ?? { cpuMs: NaN })),
        childCpuMs: () => sumCpu(procs.flatMap((p) => descendants(p.pid))),
        peakRssMb: () => Math.max(...procs.map((p) => peakRssMb(p.pid) ?? NaN)),
        stop: async () => (await caller.close().catch(() => {}), await stopExtra()),
      };
    } catch (error) {
      await stopExtra();
      throw error;
    }
  };
  /** server-everything in its streamableHttp mode on a free port (its PORT variable); its own process. */
  const startEverythingHttp = async () => {
    const port = await freePort();
    const proc = spawnNode(everything, ['streamableHttp'], { env: { PORT: String(port) } });
    try {
      await waitForPort(port, START_TIMEOUT_MS, proc.exited);
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw new Error(`server-everything streamableHttp did not start: ${error instanceof Error ? error.message : error}\n${proc.tail()}`);
    }
    return { proc, url: `http://127.0.0.1:${port}/mcp` };
  };
  /** server-everything in its legacy `sse` mode (the SDK's SSEServerTransport): GET /sse, POST /message. */
  const startEverythingSse = async () => {
    const port = await freePort();
    const proc = spawnNode(everything, ['sse'], { env: { PORT: String(port) } });
    try {
      await waitForPort(port, START_TIMEOUT_MS, proc.exited);
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw new Error(`server-everything sse did not start: ${error instanceof Error ? error.message : error}\n${proc.tail()}`);
    }
    return { proc, url: `http://127.0.0.1:${port}/sse` };
  };
  /** A fixture server that prints its endpoint URL (fixtures/servers/*-echo.mjs: one echo tool, Streamable HTTP). */
  const startUrlFixture = (script, args = []) => async () => {
    const proc = spawnNode(join(root, 'fixtures', 'servers', script), args);
    try {
      const [url] = await waitForOutput(proc, /http:\/\/127\.0\.0\.1:\d+\/mcp/, START_TIMEOUT_MS);
      return { proc, url };
    } catch (error) {
      records.push(...(await stopTree(proc)));
      throw error;
    }
  };
  /** `serve --url` in front of an HTTP server started by `startServer`; the server's CPU counts as the child's. */
  const startAdapterHttp = async (startServer, cli = join(root, 'dist', 'cli.js')) => {
    const server = await startServer();
    let front;
    try {
      // Its own address (the upstream's is printed first, in "connecting to …").
      front = await startHttp(cli, ['serve', '--port', '0', '--log-level', 'warn', '--url', server.url], async (p) =>
        Number((await waitForOutput(p, /serving .* at http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/, START_TIMEOUT_MS))[1]),
      );
    } catch (error) {
      records.push(...(await stopTree(server.proc)));
      throw error;
    }
    const m = measured(front.proc, connectRest(`http://127.0.0.1:${front.port}`, concurrency), records);
    return {
      ...m,
      childCpuMs: () => readStat(server.proc.pid)?.cpuMs ?? NaN,
      stop: async () => {
        await m.stop();
        records.push(...(await stopTree(server.proc)));
      },
    };
  };
  return {
    // server-everything over Streamable HTTP (issue 14): a raw keep-alive JSON-RPC client straight to it, and the
    // adapter (`serve --url`) in front of it, side by side.
    'http-direct': async () => {
      const server = await startEverythingHttp();
      try {
        // The protocol version the adapter negotiates (its LATEST), so both rows ask the server for the same work.
        const caller = await connectMcpHttp(server.url, concurrency, { protocolVersion: '2025-11-25' });
        return {
          call: caller.call,
          frontPid: process.pid,
          frontCpuMs: () => {
            const { user, system } = process.cpuUsage();
            return (user + system) / 1000;
          },
          childCpuMs: () => readStat(server.proc.pid)?.cpuMs ?? NaN,
          peakRssMb: () => undefined, // the bench process itself: not comparable
          stop: async () => {
            await caller.close().catch(() => {});
            records.push(...(await stopTree(server.proc)));
          },
        };
      } catch (error) {
        records.push(...(await stopTree(server.proc)));
        throw error;
      }
    },
    'adapter-http': () => startAdapterHttp(startEverythingHttp),
    // The same server in its legacy HTTP+SSE mode, through the lean legacy SSE client (found by the fallback).
    'adapter-sse': () => startAdapterHttp(startEverythingSse),
    // Smoke rows: `serve --url` in front of the servers the project's users start from, each with an echo tool.
    'smoke-fastmcp': () => startAdapterHttp(startUrlFixture('fastmcp-echo.mjs')),
    'smoke-mcp-use': () => startAdapterHttp(startUrlFixture('mcp-use-echo.mjs')),
    // The v2 SDK's createMcpHandler, modern-only: the adapter speaks 2026-07-28 to it (server/discover, _meta).
    'smoke-sdk-v2': () => startAdapterHttp(startUrlFixture('sdk-v2-echo.mjs', ['--modern-only'])),
    direct: async () => {
      const caller = await connectDirect(everything);
      const child = readStat(caller.pid);
      if (child) records.push(child);
      return {
        call: caller.call,
        frontPid: process.pid,
        frontCpuMs: () => {
          const { user, system } = process.cpuUsage();
          return (user + system) / 1000;
        },
        childCpuMs: () => readStat(caller.pid)?.cpuMs ?? NaN,
        peakRssMb: () => undefined, // the bench process itself: not comparable
        stop: () => caller.close(),
      };
    },
    reference: async () => {
      const { proc, port } = await startHttp(join(root, 'bench', 'reference-server.mjs'), ['--', ...upstream], async (p) =>
        Number((await waitForOutput(p, /listening http:\/\/127\.0\.0\.1:(\d+)/, START_TIMEOUT_MS))[1]),
      );
      return measured(proc, connectRest(`http://127.0.0.1:${port}`, concurrency), records);
    },
    adapter: () => startAdapter(join(root, 'dist', 'cli.js')),
    // The same adapter's MCP face, driven exactly as the peers are (one session, raw JSON-RPC POSTs).
    'adapter-mcp': () => startAdapter(join(root, 'dist', 'cli.js'), 'mcp'),
    // `serve --per-user` (issue 12): 20 bearer keys, each its own server-everything; the same load spread over
    // 20 users, or all from one user, side by side.
    'per-user-20': () => startPerUser(join(root, 'dist', 'cli.js'), 20),
    'per-user-1': () => startPerUser(join(root, 'dist', 'cli.js'), 1),
    // `serve --redis` (issue 16): the rate limit counted in memory vs in Redis on one replica (the per-call Redis
    // cost), and 32 callers through nginx to two replicas sharing Redis.
    'rate-limit': () => startScaled(join(root, 'dist', 'cli.js'), { redis: false, replicas: 1 }),
    'rate-limit-redis': () => startScaled(join(root, 'dist', 'cli.js'), { redis: true, replicas: 1 }),
    'nginx-2-redis': () => startScaled(join(root, 'dist', 'cli.js'), { redis: true, replicas: 2 }),
    // `--baseline DIR`: the same adapter built from another tree (DIR/dist/cli.js), for an A/B in one run.
    ...(baseline
      ? {
          baseline: () => startAdapter(resolve(baseline, 'dist', 'cli.js')),
          'baseline-mcp': () => startAdapter(resolve(baseline, 'dist', 'cli.js'), 'mcp'),
          'baseline-http': () => startAdapterHttp(startEverythingHttp, resolve(baseline, 'dist', 'cli.js')),
        }
      : {}),
    supergateway: () =>
      startPeer('supergateway', (port) => {
        const command = upstream.map((a) => JSON.stringify(a)).join(' ');
        return ['--stdio', command, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port), '--logLevel', 'none'];
      }),
    'mcp-proxy': () => startPeer('mcp-proxy', (port) => ['--port', String(port), '--host', '127.0.0.1', '--server', 'stream', '--', ...upstream]),
  };
}
