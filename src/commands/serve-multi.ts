/**
 * `serve --config mcp.json` with several servers: each one supervised on its own (a server that fails to
 * start is reported with its stderr tail and retried; its routes answer 503 meanwhile), all served under
 * `/{server}/…` by one listener with one combined spec at /openapi.json.
 */
import type { Logger } from 'pino';
import type { AdapterAuth } from '../adapter/identity/static-auth.js';
import type { AdapterLimits, McpFaceSettings } from '../adapter/app.js';
import type { JobRunner } from '../adapter/jobs/job-runner.js';
import type { FileStore } from '../adapter/store/file-store.js';
import { listen } from '../adapter/listen.js';
import { createMultiAdapter } from '../adapter/multi-server.js';
import { createRateLimiter, type RateLimitStoreOptions } from '../adapter/rate-limit.js';
import { describeServed } from '../adapter/routes.js';
import { shutdown } from '../adapter/shutdown.js';
import { SupervisedUpstream } from '../adapter/supervisor.js';
import { ConfigError, EXIT_INTERRUPTED, McpConnectionError, formatError } from '../errors.js';
import { allServers, type ConfigFile } from '../mcp/config-file.js';
import type { SpecOptions } from '../openapi/build-spec.js';
import type { CommandIO } from './io.js';
import type { ServeControl } from './serve.js';
import type { ServeLimits } from './serve-limits.js';

export interface MultiShared {
  specOptions: Omit<SpecOptions, 'serverUrl'> & { serverUrl?: string };
  auth: AdapterAuth;
  limits: ServeLimits;
  adapterLimits: AdapterLimits;
  mcp: false | McpFaceSettings;
  logger: Logger;
  timeoutMs: number;
  port: number;
  host: string;
  publicUrl?: string;
  cors?: string[];
  allowedHosts?: string[];
  logArgs: boolean;
  /** One runner (and job store) for every server. */
  jobs?: JobRunner;
  fileStore?: FileStore;
  /** Where rate-limit counts live (--redis: shared by the replicas). */
  rateStore?: RateLimitStoreOptions;
  /** With --redis: whether Redis answers (/readyz). */
  sharedState?: { redis?: () => 'up' | 'down' };
}

const NAME = /^[A-Za-z0-9_-]{1,40}$/;

export async function serveMulti(config: ConfigFile, shared: MultiShared, io: CommandIO, control: ServeControl): Promise<number> {
  const { limits, logger } = shared;
  for (const name of config.names) {
    if (!NAME.test(name)) {
      throw new ConfigError(`${config.path}: server name "${name}" cannot be a URL path segment`, { hint: 'rename it to letters, digits, "_" and "-" (at most 40)' });
    }
  }
  const servers = [...allServers(config)].map(([name, target]) => {
    io.stderr(`starting ${name}…\n`);
    const upstream = SupervisedUpstream.launch(target, {
      timeoutMs: shared.timeoutMs,
      baseEnv: io.env,
      clientInfo: { name: 'mcp-actions', version: '0.1.0' },
      maxMessageBytes: limits.maxMessageBytes,
      pingIntervalMs: limits.pingIntervalMs,
      pingTimeoutMs: limits.pingTimeoutMs,
    });
    upstream.on('down', (error) => logger.error({ server: name, err: { message: error.message } }, 'upstream connection lost; reconnecting'));
    upstream.on('failed', (error, attempt, retryInMs) =>
      logger.error({ server: name, attempt, retryInMs, err: { message: describe(error), stderrTail: (error as McpConnectionError).stderrTail } }, 'upstream failed to start'),
    );
    return { name, upstream };
  });
  // Wait until every server has either come up or failed once, so the first spec is as complete as it can be.
  await Promise.all(servers.map(({ upstream }) => new Promise<void>((resolve) => {
    if (upstream.ready) return resolve();
    upstream.once('failed', () => resolve());
    upstream.once('state', function wait(state) {
      if (state === 'ready') resolve();
      else upstream.once('state', wait);
    });
  })));
  const rateLimiter = limits.rateLimit ? createRateLimiter(limits.rateLimit, shared.rateStore) : undefined;
  const multi = createMultiAdapter({
    servers,
    specOptions: { ...shared.specOptions, serverUrl: shared.publicUrl ?? 'http://127.0.0.1' },
    inflight: { maxInflight: limits.maxInflight, maxQueue: limits.maxQueue },
    auth: shared.auth,
    cors: shared.cors,
    allowedHosts: shared.allowedHosts,
    limits: shared.adapterLimits,
    logger,
    logArgs: shared.logArgs,
    rateLimiter,
    mcp: shared.mcp,
    ...(shared.jobs ? { jobs: shared.jobs } : {}),
    ...(shared.fileStore ? { fileStore: shared.fileStore } : {}),
    ...shared.sharedState,
    onSpecError: (error) => logger.error({ err: { message: describe(error) } }, 'the combined spec could not be rebuilt; keeping the previous one'),
  });
  const upstreams = servers.map((s) => s.upstream);
  try {
    const listening = await listen(multi.handler, shared.port, shared.host, limits);
    const localUrl = listening.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
    if (!shared.publicUrl) multi.republish(localUrl);
    for (const s of servers) {
      const adapter = multi.adapters.get(s.name);
      const state = s.upstream.ready && adapter ? describeServed(adapter.published.routes, s.upstream.catalog.tools.length) : 'NOT STARTED (retrying; its routes answer 503)';
      io.stderr(`  /${s.name}: ${state}\n`);
    }
    const shownBase = shared.publicUrl ?? localUrl;
    io.stderr(
      `serving ${servers.length} servers at ${listening.url}\n  spec: ${shownBase}/openapi.json   auth: ${shared.auth.type}\n` +
        (multi.mcp ? `  mcp: ${shownBase}/mcp (every server's tools), ${shownBase}/{server}/mcp (one server's)\n` : ''),
    );
    io.stdout(`${listening.url}\n`);
    control.onListening?.(listening.url);
    await control.stop;
    io.stderr(`stopping: draining in-flight calls (up to ${limits.drainTimeoutMs} ms; a third signal cuts them)…\n`);
    const cancelled = (await shared.jobs?.stop()) ?? 0;
    if (cancelled > 0) io.stderr(`cancelled ${cancelled} running job${cancelled === 1 ? '' : 's'} upstream\n`);
    const { drained, cut, waitedMs } = await shutdown(listening.server, [...multi.faces, ...upstreams], limits.drainTimeoutMs, control.cut);
    io.stderr(drained ? `stopped after ${waitedMs} ms\n` : cut ? `stopped: calls still running after ${waitedMs} ms were cut (signal)\n` : `stopped: calls still running after ${limits.drainTimeoutMs} ms were cut\n`);
    return cut ? EXIT_INTERRUPTED : 0;
  } finally {
    multi.dispose();
    rateLimiter?.close();
    await shared.jobs?.store.close();
    await Promise.all(upstreams.map((u) => u.close()));
  }
}

function describe(error: unknown): string {
  return error instanceof McpConnectionError ? formatError(error) : error instanceof Error ? error.message : String(error);
}
