/**
 * MCP client config files: the `mcpServers` object of Claude Desktop / Cursor and the `servers` object of
 * VS Code's `mcp.json` (which allows comments and trailing commas). `${VAR}` (and VS Code's `${env:VAR}`)
 * are expanded from the environment passed in, only in the server that is used (or in all, when all are served);
 * an unset variable is an error, never an empty string. A key nobody reads is an error with a did-you-mean.
 */
import type { ParseError } from 'jsonc-parser';
import { lazyModule } from '../lazy-module.js';

const jsonc = lazyModule<typeof import('jsonc-parser')>('jsonc-parser');
import { ConfigError } from '../errors.js';
import type { HttpTransportChoice, Target } from './target.js';

export interface ConfigFile {
  path: string;
  /** Server names, in file order. */
  names: string[];
  /** Each server's entry, its keys and types checked, its `${VAR}`s not yet expanded (see selectServer, allServers). */
  entries: Map<string, Record<string, unknown>>;
  /** Where `${VAR}` values come from. */
  env: Record<string, string | undefined>;
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
  const entries = new Map<string, Record<string, unknown>>();
  for (const [name, entry] of Object.entries(section)) {
    checkEntry(name, entry, path);
    entries.set(name, entry);
  }
  if (entries.size === 0) {
    throw new ConfigError(`${path}: the file lists no servers`, { hint: 'add a server entry to it' });
  }
  // Expanding without an environment finds every error but an unset variable: a file that is wrong in
  // another entry than the chosen one still says so now, while unset variables only matter where used.
  for (const [name, entry] of entries) toTarget(name, entry, path, undefined);
  return { path, names: [...entries.keys()], entries, env };
}

/** Picks one server from a config file, by name or the only one, and expands its `${VAR}`s (only its own). */
export function selectServer(config: ConfigFile, name: string | undefined): Target {
  const names = config.names;
  if (name === undefined) {
    if (names.length === 1) return toTarget(names[0]!, config.entries.get(names[0]!)!, config.path, config.env);
    throw new ConfigError(`${config.path} lists ${names.length} servers: ${names.join(', ')}`, {
      hint: 'choose one with --server NAME',
    });
  }
  const entry = config.entries.get(name);
  if (!entry) {
    throw new ConfigError(`${config.path} has no server named "${name}" (it has: ${names.join(', ')})`, {
      hint: 'pass one of those names to --server',
    });
  }
  return toTarget(name, entry, config.path, config.env);
}

/** Every server of the file, in file order, each with its `${VAR}`s expanded (serving them all needs them all). */
export function allServers(config: ConfigFile): Map<string, Target> {
  return new Map(config.names.map((name) => [name, toTarget(name, config.entries.get(name)!, config.path, config.env)]));
}

/** Keys an entry may have: what mcp-actions reads, and what MCP clients write that changes nothing here. */
const READ_KEYS = ['command', 'args', 'env', 'cwd', 'url', 'serverUrl', 'headers', 'type', 'transport'];
const CLIENT_KEYS = ['disabled', 'autoApprove', 'alwaysAllow', 'timeout', 'description', 'dev', 'gallery', 'version', 'trust'];

/** Checks an entry's shape and refuses keys nobody reads (a typo such as "arg" would drop the arguments). */
function checkEntry(name: string, entry: unknown, path: string): asserts entry is Record<string, unknown> {
  const where = `${path}: server "${name}"`;
  if (!isObject(entry)) throw new ConfigError(`${where} is not an object`, { hint: 'give it "command" or "url"' });
  for (const key of Object.keys(entry)) {
    if (READ_KEYS.includes(key) || CLIENT_KEYS.includes(key)) continue;
    const near = closest(key, READ_KEYS);
    const reads = READ_KEYS.filter((k) => k !== 'serverUrl' && k !== 'transport').map((k) => `"${k}"`).join(', ');
    throw new ConfigError(`${where} has an unknown key "${key}"`, {
      hint: near ? `did you mean "${near}"? (mcp-actions reads ${reads})` : `mcp-actions reads ${reads}; rename or remove "${key}"`,
    });
  }
}

/**
 * The known word `word` most likely meant: one it abbreviates ("cmd" → "command"), else the nearest by edit
 * distance (at most 2, or 1 for words of 4 letters or fewer), else none.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const abbreviates = known.filter((k) => lower.length >= 3 && isSubsequence(lower, k.toLowerCase())).sort((x, y) => x.length - y.length);
  if (abbreviates.length > 0) return abbreviates[0];
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** An entry as a target; `env` undefined checks everything but leaves `${VAR}`s as they are. */
function toTarget(name: string, entry: Record<string, unknown>, path: string, env: Record<string, string | undefined> | undefined): Target {
  const where = `${path}: server "${name}"`;
  const expand = (value: unknown, field: string): string => {
    if (typeof value !== 'string') throw new ConfigError(`${where}: "${field}" must be a string`);
    return env === undefined ? value : expandVars(value, env, `${where}, "${field}"`);
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
    if (env !== undefined || !url.includes('${')) checkUrl(url, where);
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
