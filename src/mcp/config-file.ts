/**
 * MCP client config files: the `mcpServers` object of Claude Desktop / Cursor and the `servers` object of
 * VS Code's `mcp.json` (which allows comments and trailing commas). `${VAR}` (and VS Code's `${env:VAR}`)
 * are expanded from the environment passed in; an unset variable is an error, never an empty string.
 */
import type { ParseError } from 'jsonc-parser';
import { lazyModule } from '../lazy-module.js';

const jsonc = lazyModule<typeof import('jsonc-parser')>('jsonc-parser');
import { ConfigError } from '../errors.js';
import type { HttpTransportChoice, Target } from './target.js';

export interface ConfigFile {
  path: string;
  /** Servers in file order. */
  servers: Map<string, Target>;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses the text of a config file. `env` is where `${VAR}` values come from. */
export function parseConfigFile(text: string, path: string, env: Record<string, string | undefined>): ConfigFile {
  const errors: ParseError[] = [];
  const data: unknown = jsonc().parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = lineColumn(text, first.offset);
    throw new ConfigError(`${path}:${line}:${column}: not valid JSON (${jsonc().printParseErrorCode(first.error)})`, {
      hint: 'fix the file at that position',
    });
  }
  if (!isObject(data)) {
    throw new ConfigError(`${path}: expected a JSON object with "mcpServers" or "servers"`, {
      hint: 'see docs/targets.md ("A server from a config file") for the format',
    });
  }
  const section = isObject(data.mcpServers) ? data.mcpServers : isObject(data.servers) ? data.servers : undefined;
  if (!section) {
    throw new ConfigError(`${path}: no "mcpServers" (Claude Desktop, Cursor) or "servers" (VS Code) object`, {
      hint: 'add one, e.g. {"mcpServers": {"demo": {"command": "node", "args": ["server.js"]}}}',
    });
  }
  const servers = new Map<string, Target>();
  for (const [name, entry] of Object.entries(section)) {
    servers.set(name, parseEntry(name, entry, path, env));
  }
  if (servers.size === 0) {
    throw new ConfigError(`${path}: the file lists no servers`, { hint: 'add a server entry to it' });
  }
  return { path, servers };
}

/** Picks one server from a config file: by name, or the only one. */
export function selectServer(config: ConfigFile, name: string | undefined): Target {
  const names = [...config.servers.keys()];
  if (name === undefined) {
    if (names.length === 1) return config.servers.get(names[0]!)!;
    throw new ConfigError(`${config.path} lists ${names.length} servers: ${names.join(', ')}`, {
      hint: 'choose one with --server NAME',
    });
  }
  const target = config.servers.get(name);
  if (!target) {
    throw new ConfigError(`${config.path} has no server named "${name}" (it has: ${names.join(', ')})`, {
      hint: 'pass one of those names to --server',
    });
  }
  return target;
}

function parseEntry(name: string, entry: unknown, path: string, env: Record<string, string | undefined>): Target {
  const where = `${path}: server "${name}"`;
  if (!isObject(entry)) throw new ConfigError(`${where} is not an object`, { hint: 'give it "command" or "url"' });
  const expand = (value: unknown, field: string): string => {
    if (typeof value !== 'string') throw new ConfigError(`${where}: "${field}" must be a string`);
    return expandVars(value, env, `${where}, "${field}"`);
  };
  const stringMap = (value: unknown, field: string): Record<string, string> => {
    if (value === undefined) return {};
    if (!isObject(value)) throw new ConfigError(`${where}: "${field}" must be an object of strings`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expand(v, `${field}.${k}`);
    return out;
  };
  if (typeof entry.url === 'string' || typeof entry.serverUrl === 'string') {
    const url = expand(entry.url ?? entry.serverUrl, 'url');
    checkUrl(url, where);
    const type = entry.type ?? entry.transport;
    let transport: HttpTransportChoice = 'auto';
    if (type === 'sse') transport = 'sse';
    else if (type === 'http' || type === 'streamable-http' || type === 'streamableHttp') transport = 'streamable-http';
    return { kind: 'http', name, url, headers: stringMap(entry.headers, 'headers'), transport };
  }
  if (typeof entry.command === 'string') {
    const args = entry.args ?? [];
    if (!Array.isArray(args)) throw new ConfigError(`${where}: "args" must be an array of strings`);
    return {
      kind: 'stdio',
      name,
      command: expand(entry.command, 'command'),
      args: args.map((a, i) => expand(a, `args[${i}]`)),
      env: stringMap(entry.env, 'env'),
      cwd: entry.cwd === undefined ? undefined : expand(entry.cwd, 'cwd'),
    };
  }
  throw new ConfigError(`${where} has neither "command" (stdio) nor "url" (HTTP)`, {
    hint: 'add one of them',
  });
}

/** Expands `${VAR}` and `${env:VAR}`; an unset variable is an error naming it. */
export function expandVars(value: string, env: Record<string, string | undefined>, where: string): string {
  return value.replace(/\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, varName: string) => {
    const v = env[varName];
    if (v === undefined) {
      throw new ConfigError(`${where} uses \${${varName}}, which is not set`, {
        hint: `export ${varName}=… before running mcp-actions`,
      });
    }
    return v;
  });
}

export function checkUrl(url: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${where}: "${url}" is not a URL`, { hint: 'use a full URL such as http://127.0.0.1:3000/mcp' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${where}: "${url}" is not an http(s) URL`, { hint: 'use http:// or https://' });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
