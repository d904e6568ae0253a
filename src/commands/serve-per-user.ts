/**
 * `serve --per-user`: the flags (`--user-env`, `--user-header`, `--max-users`, `--user-idle-timeout`) parsed
 * and checked once, and the pool of per-user upstreams built from them, with its log lines. A log line names a
 * user by `identity.key` (a digest), never by token or raw subject.
 */
import type { Logger } from 'pino';
import type { Identity } from '../adapter/identity/identity.js';
import { HttpError } from '../adapter/http-error.js';
import { SupervisedUpstream, type SupervisorOptions } from '../adapter/supervisor.js';
import { Upstream } from '../adapter/upstream.js';
import { DEFAULT_MAX_USERS, DEFAULT_USER_IDLE_TIMEOUT_MS, UserPool } from '../adapter/upstream/user-pool.js';
import { parseTemplate, TemplateError, userTarget, type TemplatePart, type UserTemplates } from '../adapter/upstream/user-template.js';
import { UsageError } from '../errors.js';
import type { Target } from '../mcp/target.js';
import { parseIntFlag } from './serve-options.js';

export interface PerUserFlags {
  perUser?: boolean;
  userEnv?: string[];
  userHeader?: string[];
  maxUsers?: string;
  userIdleTimeout?: string;
}

export interface PerUserSettings {
  templates: UserTemplates;
  maxUsers: number;
  idleTimeoutMs: number;
}

const HOW = 'add --auth oauth … (each user signs in), or --auth api-key|bearer|basic with one credential per user, one per line in the secret\'s variable';

/**
 * The per-user settings, or undefined without `--per-user`. Throws UsageError for a per-user flag without
 * `--per-user`, `--per-user` without auth (nobody could be told apart), several servers, `--user-env` for an HTTP
 * server or `--user-header` for a stdio one, and a malformed or unknown template.
 */
export function parsePerUserFlags(opts: PerUserFlags, target: Target | undefined, authType: string): PerUserSettings | undefined {
  if (!opts.perUser) {
    const stray = [
      ['--user-env', opts.userEnv?.length],
      ['--user-header', opts.userHeader?.length],
      ['--max-users', opts.maxUsers],
      ['--user-idle-timeout', opts.userIdleTimeout],
    ].find(([, given]) => given !== undefined && given !== 0);
    if (stray) throw new UsageError(`${stray[0]} needs --per-user`, { hint: 'add --per-user to give each user their own MCP server' });
    return undefined;
  }
  if (authType === 'none') throw new UsageError('--per-user needs an auth scheme: without one every caller is the same user', { hint: HOW });
  if (!target) throw new UsageError('--per-user serves one MCP server, and the config file lists several', { hint: 'pick one with --server NAME' });
  if (opts.userEnv?.length && target.kind !== 'stdio') {
    throw new UsageError('--user-env sets a stdio server\'s environment, but the server is reached over HTTP', { hint: 'use --user-header "Name: TEMPLATE" for an HTTP server' });
  }
  if (opts.userHeader?.length && target.kind !== 'http') {
    throw new UsageError('--user-header sets an HTTP server\'s headers, but the server is a command', { hint: 'use --user-env NAME=TEMPLATE for a stdio server' });
  }
  return {
    templates: { env: parsePairs(opts.userEnv, '--user-env', '='), headers: parsePairs(opts.userHeader, '--user-header', ':') },
    maxUsers: parseIntFlag(opts.maxUsers, '--max-users', DEFAULT_MAX_USERS, 1, 10_000),
    idleTimeoutMs: parseIntFlag(opts.userIdleTimeout, '--user-idle-timeout', DEFAULT_USER_IDLE_TIMEOUT_MS, 1000),
  };
}

function parsePairs(values: string[] | undefined, flag: string, separator: '=' | ':'): Record<string, TemplatePart[]> {
  const out: Record<string, TemplatePart[]> = {};
  const example = separator === '=' ? `${flag} MEMORY_FILE_PATH=/data/{user}.jsonl` : `${flag} "Authorization: Bearer {token}"`;
  for (const raw of values ?? []) {
    const i = raw.indexOf(separator);
    const name = i > 0 ? raw.slice(0, i).trim() : '';
    const valid = separator === '=' ? /^[A-Za-z_][A-Za-z0-9_]*$/ : /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
    if (!valid.test(name)) throw new UsageError(`${flag} "${raw}" is not ${separator === '=' ? 'NAME=TEMPLATE' : '"Name: TEMPLATE"'}`, { hint: `e.g. ${example}` });
    try {
      out[name] = parseTemplate(separator === '=' ? raw.slice(i + 1) : raw.slice(i + 1).trim());
    } catch (error) {
      if (error instanceof TemplateError) throw new UsageError(`${flag} "${raw}": ${error.message}`, { hint: `e.g. ${example}` });
      throw error;
    }
  }
  return out;
}

/**
 * Reads the tool list once from the server started as configured (without per-user values: give it defaults
 * with --env/--header when it needs them), closes it, and returns the pool that starts each user's own.
 */
export async function startUserPool(target: Target, settings: PerUserSettings, options: SupervisorOptions, logger: Logger): Promise<UserPool> {
  const probe = await Upstream.start(target, options);
  const catalog = probe.catalog;
  await probe.close();
  const start = async (identity: Identity) => {
    let own: Target;
    try {
      own = userTarget(target, settings.templates, identity);
    } catch (error) {
      if (error instanceof TemplateError) throw new HttpError(403, 'forbidden', `this caller's credentials cannot be passed to the MCP server: ${error.message}`);
      throw error;
    }
    const upstream = await SupervisedUpstream.start(own, options);
    const user = identity.key;
    upstream.on('down', (error) => logger.error({ user, err: { message: error.message } }, 'user upstream connection lost; reconnecting'));
    upstream.on('failed', (error, attempt, retryInMs) =>
      logger.error({ user, err: { message: error instanceof Error ? error.message : String(error) }, attempt, retryInMs }, 'user upstream reconnect failed'),
    );
    upstream.on('reconnected', (attempt) => logger.info({ user, attempt }, 'user upstream reconnected'));
    return upstream;
  };
  const pool = new UserPool({ catalog, start, maxUsers: settings.maxUsers, idleTimeoutMs: settings.idleTimeoutMs });
  pool.on('started', (user, users) => logger.info({ user, users }, 'user upstream started'));
  pool.on('closed', (user, reason, users) => logger.info({ user, reason, users }, 'user upstream closed'));
  return pool;
}
