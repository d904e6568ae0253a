/**
 * `mcp-actions serve`: connect the upstream once, publish the spec, serve the REST adapter until stopped.
 */
import pino, { type Logger } from 'pino';
import { createAdapter, DEFAULT_CALL_TIMEOUT_MS } from '../adapter/app.js';
import { checkBindSafety, listen } from '../adapter/listen.js';
import { DEFAULT_MAX_RESPONSE_CHARS } from '../adapter/map-result.js';
import { DEFAULT_MAX_BODY_BYTES } from '../adapter/read-body.js';
import { InflightLimiter } from '../adapter/inflight.js';
import { describeServed } from '../adapter/routes.js';
import { createRateLimiter, type RateLimitStoreOptions } from '../adapter/rate-limit.js';
import { shutdown } from '../adapter/shutdown.js';
import { SupervisedUpstream, type SupervisorOptions } from '../adapter/supervisor.js';
import { EXIT_INTERRUPTED, UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { describeTarget, type Target } from '../mcp/target.js';
import { formatNote } from '../openapi/notes.js';
import type { CommandIO } from './io.js';
import { parseServeLimits, type ServeLimitFlags } from './serve-limits.js';
import { parseMcpFlags, type ServeMcpFlags } from './serve-mcp.js';
import { createFileStore, createJobRunner, parseJobFlags, type JobFlags } from './serve-jobs.js';
import { connectState, parseStateFlags, type StateFlags } from './serve-state.js';
import type { RedisConnection } from '../adapter/store/redis-connection.js';
import { parseAllowedHosts, parseIntFlag, resolveInboundAuth } from './serve-options.js';
import { loadTemplate, parseSpecFlags, type SpecFlags } from './spec-options.js';
import { serveMulti } from './serve-multi.js';
import { parsePerUserFlags, startUserPool, type PerUserFlags } from './serve-per-user.js';
import { parseOAuthFlags, startOAuth, type OAuthFlags } from './serve-oauth.js';
import type { AdapterAuth } from '../adapter/identity/static-auth.js';
import type { UserPool } from '../adapter/upstream/user-pool.js';
import { loadConfigFile, parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface ServeOptions extends TargetOptions, Omit<SpecFlags, 'auth'>, ServeLimitFlags, JobFlags, ServeMcpFlags, PerUserFlags, StateFlags, OAuthFlags {
  port?: string;
  host?: string;
  /** The spec's server URL (alias of the spec flag --server-url). */
  publicUrl?: string;
  /** A scheme name, or false for --no-auth (allow a non-loopback bind without auth). */
  auth?: string | boolean;
  apiKeyEnv?: string;
  cors?: string[];
  allowedHost?: string[];
  callTimeout?: string;
  maxResponseChars?: string;
  maxBody?: string;
  logArgs?: boolean;
  logLevel?: string;
}

export interface ServeControl {
  /** Resolves when the server should stop and drain (the first SIGINT/SIGTERM in the CLI). */
  stop: Promise<unknown>;
  /** Resolves when the drain should end at once, cutting what still runs (the third signal in the CLI). */
  cut?: Promise<unknown>;
  /** Called once listening, with the local URL. */
  onListening?: (url: string) => void;
}

export async function serveCommand(operands: string[], opts: ServeOptions, io: CommandIO, control: ServeControl): Promise<number> {
  const port = parseIntFlag(opts.port, '--port', 8080, 0, 65_535);
  const host = opts.host ?? '127.0.0.1';
  const callTimeoutMs = parseIntFlag(opts.callTimeout, '--call-timeout', DEFAULT_CALL_TIMEOUT_MS);
  const maxResponseChars = parseIntFlag(opts.maxResponseChars, '--max-response-chars', DEFAULT_MAX_RESPONSE_CHARS, 1000);
  const maxBodyBytes = parseIntFlag(opts.maxBody, '--max-body', DEFAULT_MAX_BODY_BYTES);
  const limits = parseServeLimits(opts);
  const mcp = parseMcpFlags(opts);
  const jobSettings = opts.async === false ? undefined : parseJobFlags(opts, callTimeoutMs);
  const allowedHosts = parseAllowedHosts(opts.allowedHost);
  const stateSettings = parseStateFlags(opts, io.env);
  const noAuth = opts.auth === false;
  if (opts.publicUrl && opts.serverUrl && opts.publicUrl !== opts.serverUrl) {
    throw new UsageError('--public-url and --server-url disagree', { hint: 'give one of them (they are the same setting)' });
  }
  const publicUrl = opts.publicUrl ?? opts.serverUrl;
  // The spec flags are parsed exactly as `generate openapi` parses them (one parser, one spec).
  const parsed = parseSpecFlags({ ...opts, auth: typeof opts.auth === 'string' ? opts.auth : undefined, serverUrl: publicUrl ?? 'http://127.0.0.1' });
  const oauthSettings = parseOAuthFlags(opts, parsed.auth ?? { type: 'none' }, io.env);
  const auth: AdapterAuth = oauthSettings ? { type: 'none' } : resolveInboundAuth(parsed.auth, opts.apiKeyEnv, io.env);
  const authType = oauthSettings ? 'oauth' : auth.type;
  checkBindSafety(host, authType, noAuth);
  // `--config` without `--server` and several servers in the file: serve them all (serve-multi.ts).
  const config = opts.config !== undefined && opts.server === undefined && operands.length === 0 ? await loadConfigFile(opts.config, io) : undefined;
  const target = config && config.names.length > 1 ? undefined : await resolveTarget(opts, operands, io);
  const perUser = parsePerUserFlags(opts, target, authType);
  // The resource this adapter is: the public URL, else the local one once listening.
  let resourceUrl = publicUrl ?? '';
  const oauth = oauthSettings ? await startOAuth(oauthSettings, () => resourceUrl, { resourcePaths: target ? ['/mcp'] : [] }) : undefined;
  if (oauth && parsed.auth?.oauth) {
    // The spec's OAuth flow from the issuer's metadata, unless given (--oauth-authorization-url/--oauth-token-url).
    parsed.auth.oauth.authorizationUrl ||= oauth.metadata.authorization_endpoint ?? '';
    parsed.auth.oauth.tokenUrl ||= oauth.metadata.token_endpoint ?? '';
  }
  const authenticator = oauth?.authenticator;
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  const base = await loadTemplate(opts.template, io.cwd);

  let specOptions = { ...parsed, ...(base ? { base } : {}), serverUrl: publicUrl ?? '' };
  if (!publicUrl) {
    io.stderr(
      'warning: no --public-url: the spec lists this machine\'s local address, which ChatGPT cannot import or call; expose the adapter (e.g. a tunnel) and pass --public-url https://…\n',
    );
    // The GPT profile refuses a local server URL; the local spec uses the generic profile instead.
    if ((specOptions.profile ?? 'gpt-actions') === 'gpt-actions') specOptions = { ...specOptions, profile: 'generic' };
  }

  const logger = pino(
    { level: opts.logLevel ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (line: string) => io.stderr(line) },
  );

  // Shared state first: a Redis that does not answer ends the command before any MCP server is started.
  const redis = stateSettings ? await connectState(stateSettings, logger, timeoutMs) : undefined;
  try {
    return await serveWith(redis);
  } finally {
    await redis?.close();
  }

  async function serveWith(redis: RedisConnection | undefined): Promise<number> {
    const shared = redis && stateSettings ? { client: redis.client, prefix: stateSettings.prefix } : undefined;
    const rateStore: RateLimitStoreOptions = shared ? { redis: shared } : {};
    const sharedState = redis ? { redis: () => redis.state } : {};
    if (redis) io.stderr(`shared state: rate limits and jobs in Redis at ${redis.where} (keys under "${stateSettings!.prefix}")\n`);
    const jobs = jobSettings ? createJobRunner(jobSettings, logger, shared) : undefined;
    const fileStore = createFileStore(opts);
    if (!target) {
      const multi = { specOptions, auth, ...(authenticator ? { authenticator } : {}), onLocalUrl: (url: string) => (resourceUrl = url), limits, logger, timeoutMs, port, host, publicUrl, cors: opts.cors, allowedHosts, mcp, logArgs: opts.logArgs === true, adapterLimits: { callTimeoutMs, maxResponseChars, maxBodyBytes }, jobs, fileStore, rateStore, sharedState };
      return serveMulti(config!, multi, io, control);
    }
    io.stderr(`connecting to ${describeTarget(target)}…\n`);
    const upstreamOptions = {
      timeoutMs,
      baseEnv: io.env,
      clientInfo: { name: 'mcp-actions', version: '0.1.0' },
      maxMessageBytes: limits.maxMessageBytes,
      pingIntervalMs: limits.pingIntervalMs,
      pingTimeoutMs: limits.pingTimeoutMs,
    };
    const pool = perUser ? await startUserPool(target, perUser, upstreamOptions, logger) : undefined;
    const upstream: SupervisedUpstream | UserPool = pool ?? (await startSupervised(target, upstreamOptions, logger));
    const rateLimiter = limits.rateLimit ? createRateLimiter(limits.rateLimit, rateStore) : undefined;
    let listening: Awaited<ReturnType<typeof listen>> | undefined;
    let stopped = false;
    try {
      const adapter = createAdapter({
        upstream: new InflightLimiter(upstream, { maxInflight: limits.maxInflight, maxQueue: limits.maxQueue }),
        rateLimiter,
        specOptions,
        auth,
        ...(authenticator ? { authenticator } : {}),
        cors: opts.cors,
        allowedHosts,
        limits: { callTimeoutMs, maxResponseChars, maxBodyBytes },
        logger,
        logArgs: opts.logArgs === true,
        mcp,
        ...(jobs ? { jobs } : {}),
        fileStore,
        ...sharedState,
        ...(pool ? { readiness: () => ({ users: pool.users, maxUsers: pool.limit }) } : {}),
      });
      for (const note of adapter.published.notes) if (note.level !== 'info') io.stderr(`${formatNote(note)}\n`);
      for (const e of adapter.published.routes.compileErrors) io.stderr(`warning: tool "${e.tool}": its schema could not be compiled, arguments go unchecked: ${e.message}\n`);
      listening = await listen(adapter.handler, port, host, limits);
      const localUrl = listening.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
      if (!publicUrl) {
        adapter.republish({ serverUrl: localUrl });
        resourceUrl = localUrl;
      }
      const { server } = upstream.catalog;
      io.stderr(
        `serving ${describeServed(adapter.published.routes, upstream.catalog.tools.length)} of ${server.name} ${server.version} at ${listening.url}\n` +
          `  spec: ${publicUrl ?? localUrl}/openapi.json   docs: ${localUrl}/docs   auth: ${authType}${oauth ? ` (issuer ${oauth.metadata.issuer}${oauth.introspectionEndpoint ? `, opaque tokens: ${oauth.introspectionEndpoint}` : ''})` : ''}\n` +
          (perUser ? `  per-user: one MCP server per user, up to ${perUser.maxUsers} at once, each closed after ${perUser.idleTimeoutMs} ms idle\n` : '') +
          (adapter.mcp ? `  mcp: ${publicUrl ?? localUrl}/mcp (Streamable HTTP)   ${publicUrl ?? localUrl}/sse (HTTP+SSE)\n` : ''),
      );
      io.stdout(`${listening.url}\n`);
      control.onListening?.(listening.url);
      await control.stop;
      io.stderr(`stopping: draining in-flight calls (up to ${limits.drainTimeoutMs} ms; a third signal cuts them)…\n`);
      // Jobs first, while the upstream is still there to receive their cancellation.
      const cancelled = (await jobs?.stop()) ?? 0;
      if (cancelled > 0) io.stderr(`cancelled ${cancelled} running job${cancelled === 1 ? '' : 's'} upstream\n`);
      // Then the MCP face: its long-lived streams would otherwise hold the drain open until the timeout.
      const { drained, cut, waitedMs } = await shutdown(listening.server, [...(adapter.mcp ? [adapter.mcp] : []), upstream], limits.drainTimeoutMs, control.cut);
      stopped = true;
      adapter.dispose();
      io.stderr(drained ? `stopped after ${waitedMs} ms\n` : cut ? `stopped: calls still running after ${waitedMs} ms were cut (signal)\n` : `stopped: calls still running after ${limits.drainTimeoutMs} ms were cut\n`);
      return cut ? EXIT_INTERRUPTED : 0;
    } finally {
      rateLimiter?.close();
      await jobs?.store.close();
      await fileStore.close();
      if (!stopped) {
        await listening?.close();
        await upstream.close();
      }
      logger.flush?.();
    }
  }
}

/** The one upstream everybody shares, supervised, its drops and reconnects logged. */
async function startSupervised(target: Target, options: SupervisorOptions, logger: Logger): Promise<SupervisedUpstream> {
  const upstream = await SupervisedUpstream.start(target, options);
  upstream.on('down', (error) => logger.error({ err: { message: error.message } }, 'upstream connection lost; reconnecting'));
  upstream.on('failed', (error, attempt, retryInMs) =>
    logger.error(
      { err: { message: error instanceof Error ? error.message : String(error), stderrTail: (error as { stderrTail?: string[] }).stderrTail }, attempt, retryInMs },
      'upstream reconnect failed',
    ),
  );
  upstream.on('reconnected', (attempt) => logger.info({ attempt }, 'upstream reconnected'));
  return upstream;
}
