/**
 * The introspector: connect, read server info, read every page of `tools/list`, close.
 */
import { McpConnectionError } from '../errors.js';
import type { CatalogTool, JsonSchema, ToolCatalog } from './catalog.js';
import { connect, type ConnectOptions, type Connection } from './connect.js';
import { isConnectionClosed, isTimeout, messageOf } from './connect-errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MSEC, isObject, MalformedMessageError } from './json-rpc.js';
import type { McpSession } from './session.js';
import { describeTarget, type Target } from './target.js';

/** A server that pages forever is a bug, not a catalog. */
export const MAX_TOOL_PAGES = 1000;

/** Reads every page of tools/list, following nextCursor; a repeated cursor is an error. */
export async function listAllTools(session: McpSession, options: { timeoutMs?: number } = {}): Promise<CatalogTool[]> {
  const tools: CatalogTool[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_TOOL_PAGES) {
      throw new McpConnectionError('pagination', `tools/list returned more than ${MAX_TOOL_PAGES} pages`, {
        hint: 'the server keeps paging; report it to its authors',
      });
    }
    const result = await session.request('tools/list', cursor === undefined ? {} : { cursor }, { timeout: options.timeoutMs });
    if (!Array.isArray(result.tools)) throw new MalformedMessageError('tools/list answered without a "tools" array');
    for (const tool of result.tools) tools.push(toCatalogTool(tool, tools.length));
    const next = result.nextCursor;
    if (next !== undefined && next !== null && typeof next !== 'string') throw new MalformedMessageError('tools/list answered a "nextCursor" that is not a string');
    if (next === undefined || next === null || next === '') break;
    if (seen.has(next)) {
      throw new McpConnectionError('pagination', `tools/list repeated the cursor "${truncate(next, 40)}" after ${page + 1} pages`, {
        hint: 'the server paginates in a loop; report it to its authors',
      });
    }
    seen.add(next);
    cursor = next;
  }
  return tools;
}

const ANNOTATION_KEYS = ['title', 'readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;
const TASK_SUPPORT = new Set(['required', 'optional', 'forbidden']);

/**
 * One entry of tools/list → CatalogTool, checked as MCP's Tool schema says (name, a readable input schema,
 * optional strings); schemas are kept exactly as sent; annotations keep the hints MCP defines and `execution` its taskSupport,
 * as the SDK's schema parse did. A malformed entry fails the whole list, naming the entry.
 */
function toCatalogTool(raw: unknown, index: number): CatalogTool {
  const bad = (what: string) => new MalformedMessageError(`tools/list entry ${index} ${what}`);
  if (!isObject(raw) || typeof raw.name !== 'string') throw bad('has no string "name"');
  const where = `("${raw.name}")`;
  for (const key of ['title', 'description'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') throw bad(`${where} has a "${key}" that is not a string`);
  }
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    const schema = raw[key];
    if (schema === undefined && key === 'outputSchema') continue;
    const problem = unreadableSchema(schema);
    if (problem !== undefined) throw bad(`${where} has ${problem === 'missing' ? `no ${key}` : `an ${key} ${problem}`}`);
  }
  // Key order is the order people read a tool in, and stable: --json output is deterministic.
  const out: CatalogTool = { name: raw.name } as CatalogTool;
  if (raw.title !== undefined) out.title = raw.title as string;
  if (raw.description !== undefined) out.description = raw.description as string;
  out.inputSchema = raw.inputSchema as JsonSchema;
  if (raw.outputSchema !== undefined) out.outputSchema = raw.outputSchema as JsonSchema;
  if (raw.annotations !== undefined) {
    if (!isObject(raw.annotations)) throw bad(`${where} has "annotations" that are not an object`);
    const annotations: Record<string, unknown> = {};
    for (const key of ANNOTATION_KEYS) {
      const value = raw.annotations[key];
      if (value === undefined) continue;
      if (typeof value !== (key === 'title' ? 'string' : 'boolean')) throw bad(`${where} has an annotation "${key}" of the wrong type`);
      annotations[key] = value;
    }
    out.annotations = annotations as CatalogTool['annotations'];
  }
  if (raw.execution !== undefined) {
    if (!isObject(raw.execution)) throw bad(`${where} has an "execution" that is not an object`);
    const taskSupport = raw.execution.taskSupport;
    if (taskSupport !== undefined && !(typeof taskSupport === 'string' && TASK_SUPPORT.has(taskSupport))) {
      throw bad(`${where} has an unknown execution.taskSupport`);
    }
    out.execution = (taskSupport === undefined ? {} : { taskSupport }) as CatalogTool['execution'];
  }
  return out;
}

/**
 * Why a tool's schema cannot be read at all, or undefined when it can. Lenient, as a reader should be: a schema
 * without "type" (server-gitlab sends only `{"$schema": …}`) is read as an object schema, and the generator warns
 * about it once per tool (openapi/untyped-schema.ts); only a schema that is not a JSON object, or whose type rules
 * out an object (arguments and structured results are always objects), is refused.
 */
export function unreadableSchema(schema: unknown): string | 'missing' | undefined {
  if (schema === undefined) return 'missing';
  if (!isObject(schema)) return `that is ${schema === null ? 'null' : Array.isArray(schema) ? 'an array' : JSON.stringify(schema)}, not a JSON Schema object`;
  const type = schema.type;
  if (type === undefined) return undefined;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) && type.every((t) => typeof t === 'string') ? (type as string[]) : undefined;
  if (types === undefined) return `whose "type" is neither a string nor an array of strings`;
  if (!types.includes('object')) return `of "type": ${JSON.stringify(type)}, which cannot describe a JSON object (what tool arguments and results are)`;
  return undefined;
}

/** Builds the catalog from a connected client. */
export async function readCatalog(connection: Connection, options: { timeoutMs?: number } = {}): Promise<ToolCatalog> {
  const { session } = connection;
  let tools: CatalogTool[];
  try {
    tools = await listAllTools(session, options);
  } catch (error) {
    throw wrapRequestError(error, connection, 'tools/list', options.timeoutMs);
  }
  const info = session.serverInfo;
  const capabilities = session.capabilities;
  const instructions = session.instructions;
  tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    server: {
      name: info?.name ?? 'mcp-server',
      version: info?.version ?? '0.0.0',
      ...(info?.title ? { title: info.title } : {}),
      ...(instructions ? { instructions } : {}),
      ...(capabilities ? { capabilities: capabilities as Record<string, unknown> } : {}),
    },
    tools,
  };
}

/** Connects, reads the whole catalog and closes the connection (also on error). */
export async function listTools(target: Target, options: ConnectOptions = {}): Promise<ToolCatalog> {
  const connection = await connect(target, options);
  try {
    return await readCatalog(connection, { timeoutMs: options.timeoutMs });
  } finally {
    await connection.close();
  }
}

/** Turns a failed request on an open connection into an McpConnectionError. */
export function wrapRequestError(error: unknown, connection: Connection, method: string, timeoutMs?: number): unknown {
  if (error instanceof McpConnectionError) return error;
  const where = describeTarget(connection.target);
  if (isTimeout(error)) {
    return new McpConnectionError('timeout', `${method} got no answer from ${where} within ${timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MSEC} ms`, {
      hint: 'raise --timeout if the server is just slow',
      cause: error,
    });
  }
  if (isConnectionClosed(error)) {
    const tail = connection.stderrTail();
    const last = tail.length ? ` Last stderr lines:\n  ${tail.join('\n  ')}` : '';
    const how = connection.exitStatus?.() ?? 'closed the connection';
    return new McpConnectionError('exited', `the server (${where}) ${how} during ${method}`, {
      hint: `run it by hand to see why.${last}`,
      cause: error,
      stderrTail: tail,
    });
  }
  if (error instanceof MalformedMessageError) {
    // the server answered normally: what it said does not follow MCP's schema
    return new McpConnectionError('protocol', `the ${method} answer of ${where} cannot be read: ${error.message}`, {
      hint: 'the server answered, but not in the shape MCP defines; report it to the server\'s authors',
      cause: error,
    });
  }
  return new McpConnectionError('protocol', `${method} failed on ${where}: ${messageOf(error)}`, {
    hint: 'the server answered with an error; check its logs',
    cause: error,
  });
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
