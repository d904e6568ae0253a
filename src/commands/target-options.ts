/**
 * The target options every server-facing command shares, and their resolution into a Target.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { checkUrl, parseConfigFile, selectServer, type ConfigFile } from '../mcp/config-file.js';
import type { HttpTransportChoice, Target } from '../mcp/target.js';

export interface TargetOptions {
  url?: string;
  transport?: string;
  header?: string[];
  env?: string[];
  cwd?: string;
  config?: string;
  server?: string;
  timeout?: string | number;
}

/** Parses `Name: value` header flags. */
export function parseHeaders(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const i = raw.indexOf(':');
    const name = i > 0 ? raw.slice(0, i).trim() : '';
    if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UsageError(`--header "${raw}" is not "Name: value"`, { hint: 'write it as --header "Authorization: Bearer abc"' });
    }
    out[name] = raw.slice(i + 1).trim();
  }
  return out;
}

/** Parses `KEY=VALUE` env flags. */
export function parseEnvPairs(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const i = raw.indexOf('=');
    if (i <= 0) throw new UsageError(`--env "${raw}" is not KEY=VALUE`, { hint: 'write it as --env API_KEY=abc' });
    out[raw.slice(0, i)] = raw.slice(i + 1);
  }
  return out;
}

export function parseTimeout(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--timeout "${value}" is not a positive number of milliseconds`, { hint: 'e.g. --timeout 10000' });
  return n;
}

function parseTransport(value: string | undefined): HttpTransportChoice {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'streamable-http' || value === 'sse') return value;
  throw new UsageError(`--transport "${value}" is not one of streamable-http, sse`, { hint: 'leave it out to try Streamable HTTP, then SSE' });
}

/** Reads and parses a config file, with errors that name the file. */
export async function loadConfigFile(path: string, io: { cwd: string; env: Record<string, string | undefined> }): Promise<ConfigFile> {
  const full = resolve(io.cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `config file not found: ${path}` : `cannot read config file ${path} (${code})`, {
      hint: 'check the path given to --config',
      cause: error,
    });
  }
  return parseConfigFile(text, path, io.env);
}

/**
 * Resolves one target from options and operands (the argv after `--`, or a single URL).
 * Exactly one of: operands (stdio command or URL), --url, --config.
 */
export async function resolveTarget(
  opts: TargetOptions,
  operands: string[],
  io: { cwd: string; env: Record<string, string | undefined> },
): Promise<Target> {
  const headers = parseHeaders(opts.header);
  const env = parseEnvPairs(opts.env);
  let url = opts.url;
  let argv = operands;
  if (!url && argv.length === 1 && /^https?:\/\//i.test(argv[0]!)) {
    url = argv[0];
    argv = [];
  }
  const given = [argv.length > 0, url !== undefined, opts.config !== undefined].filter(Boolean).length;
  if (given === 0) {
    throw new UsageError('no MCP server given', {
      hint: 'pass a command after --, e.g. "-- node server.js", or --url URL, or --config FILE',
    });
  }
  if (given > 1) {
    throw new UsageError('give only one of: a command after --, --url, --config', { hint: 'see --help' });
  }
  if (opts.server !== undefined && opts.config === undefined) {
    throw new UsageError('--server only makes sense with --config', { hint: 'add --config FILE' });
  }
  const cwd = opts.cwd === undefined ? undefined : resolve(io.cwd, opts.cwd);
  let target: Target;
  if (url !== undefined) {
    checkUrl(url, '--url');
    target = { kind: 'http', url, headers, transport: parseTransport(opts.transport) };
  } else if (opts.config !== undefined) {
    const entry = selectServer(await loadConfigFile(opts.config, io), opts.server);
    target =
      entry.kind === 'http'
        ? {
            ...entry,
            headers: { ...entry.headers, ...headers },
            transport: opts.transport === undefined ? entry.transport : parseTransport(opts.transport),
          }
        : { ...entry, env: { ...entry.env, ...env }, cwd: cwd ?? entry.cwd };
  } else {
    const [command, ...args] = argv;
    target = { kind: 'stdio', command: command!, args, env, cwd };
  }
  checkFlagsFit(target, opts);
  return target;
}

/** Flags for the other kind of server are a mistake worth saying, not something to ignore. */
function checkFlagsFit(target: Target, opts: TargetOptions): void {
  const misplaced =
    target.kind === 'http'
      ? [opts.env?.length ? '--env' : '', opts.cwd !== undefined ? '--cwd' : ''].filter(Boolean)
      : [opts.header?.length ? '--header' : '', opts.transport !== undefined ? '--transport' : ''].filter(Boolean);
  if (misplaced.length === 0) return;
  const kind = target.kind === 'http' ? 'an HTTP server' : 'a stdio server';
  const fits = target.kind === 'http' ? 'stdio servers (a command after --)' : 'HTTP servers (--url)';
  throw new UsageError(`${misplaced.join(' and ')} ${misplaced.length > 1 ? 'do' : 'does'} not apply to ${kind}`, {
    hint: `${misplaced.length > 1 ? 'they apply' : 'it applies'} to ${fits} only; remove ${misplaced.length > 1 ? 'them' : 'it'}`,
  });
}
