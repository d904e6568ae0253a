/**
 * The introspector: connect, read server info, read every page of `tools/list`, close.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEFAULT_REQUEST_TIMEOUT_MSEC } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { McpConnectionError } from '../errors.js';
import type { CatalogTool, JsonSchema, ToolCatalog } from './catalog.js';
import { connect, type ConnectOptions, type Connection } from './connect.js';
import { isConnectionClosed, isTimeout, messageOf } from './connect-errors.js';
import { describeTarget, type Target } from './target.js';

/** A server that pages forever is a bug, not a catalog. */
export const MAX_TOOL_PAGES = 1000;

/** Reads every page of tools/list, following nextCursor; a repeated cursor is an error. */
export async function listAllTools(client: Client, options: { timeoutMs?: number } = {}): Promise<CatalogTool[]> {
  const tools: CatalogTool[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_TOOL_PAGES) {
      throw new McpConnectionError('pagination', `tools/list returned more than ${MAX_TOOL_PAGES} pages`, {
        hint: 'the server keeps paging; report it to its authors',
      });
    }
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: options.timeoutMs });
    for (const tool of result.tools) tools.push(toCatalogTool(tool));
    const next = result.nextCursor;
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

function toCatalogTool(tool: {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
  execution?: unknown;
}): CatalogTool {
  // Key order is the order people read a tool in, and stable: --json output is deterministic.
  const out: CatalogTool = { name: tool.name } as CatalogTool;
  if (tool.title !== undefined) out.title = tool.title;
  if (tool.description !== undefined) out.description = tool.description;
  out.inputSchema = (tool.inputSchema ?? { type: 'object' }) as JsonSchema;
  if (tool.outputSchema !== undefined) out.outputSchema = tool.outputSchema as JsonSchema;
  if (tool.annotations !== undefined) out.annotations = tool.annotations as CatalogTool['annotations'];
  if (tool.execution !== undefined) out.execution = tool.execution as CatalogTool['execution'];
  return out;
}

/** Builds the catalog from a connected client. */
export async function readCatalog(connection: Connection, options: { timeoutMs?: number } = {}): Promise<ToolCatalog> {
  const { client } = connection;
  let tools: CatalogTool[];
  try {
    tools = await listAllTools(client, options);
  } catch (error) {
    throw wrapRequestError(error, connection, 'tools/list', options.timeoutMs);
  }
  const info = client.getServerVersion();
  const capabilities = client.getServerCapabilities();
  const instructions = client.getInstructions();
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
  return new McpConnectionError('protocol', `${method} failed on ${where}: ${messageOf(error)}`, {
    hint: 'the server answered with an error; check its logs',
    cause: error,
  });
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
