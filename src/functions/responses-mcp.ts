/**
 * The Responses API remote MCP tool block: OpenAI calls the server itself, so tools keep their MCP names.
 * `require_approval` comes from the annotations (hints): read-only tools `never`, every other tool `always`.
 * Header values are never copied: each header becomes a `<your Name>` placeholder. Pure.
 * @see platform-facts.md "Responses MCP tool"
 */
import { ConfigError, UsageError } from '../errors.js';
import type { ToolCatalog } from '../mcp/catalog.js';
import type { SpecNote } from '../openapi/notes.js';
import { selectTools } from '../openapi/select-tools.js';

export interface ResponsesMcpOptions {
  include?: string[];
  exclude?: string[];
  /** URL OpenAI uses to reach the server (public, https); a bare origin means its `/mcp` (mcp-actions serve). */
  serverUrl: string;
  label: string;
  /** Names of the headers OpenAI must send; values are rendered as placeholders. */
  headerNames?: string[];
  /** Receives the selection's notes (e.g. task-only tools left out). */
  onNote?: (note: SpecNote) => void;
}

export interface ResponsesMcpTool {
  type: 'mcp';
  server_label: string;
  server_url: string;
  headers?: Record<string, string>;
  allowed_tools: string[];
  require_approval: { never?: { tool_names: string[] }; always?: { tool_names: string[] } };
}

export const SERVER_LABEL_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The MCP endpoint of a server URL: a bare origin (`https://host`, `https://host/`) is where `mcp-actions serve`
 * runs, whose MCP face answers at `/mcp`; any URL with a path is taken as the endpoint itself.
 */
export function mcpEndpointUrl(serverUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(serverUrl);
  } catch {
    return serverUrl;
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) return serverUrl;
  return `${parsed.origin}/mcp`;
}

export function buildResponsesMcpTool(catalog: ToolCatalog, options: ResponsesMcpOptions): ResponsesMcpTool {
  checkServerUrl(options.serverUrl);
  if (!SERVER_LABEL_PATTERN.test(options.label)) {
    throw new UsageError(`--label "${options.label}" is not a valid server label`, {
      hint: 'use 1-64 letters, digits, "_" or "-", e.g. --label notes',
    });
  }
  const selection = selectTools(catalog.tools, { include: options.include, exclude: options.exclude });
  for (const note of selection.notes) options.onNote?.(note);
  const tools = selection.operations;
  const readOnly = tools.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name);
  const others = tools.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name);
  const block: ResponsesMcpTool = {
    type: 'mcp',
    server_label: options.label,
    server_url: mcpEndpointUrl(options.serverUrl),
    allowed_tools: tools.map((t) => t.name),
    require_approval: {
      ...(readOnly.length ? { never: { tool_names: readOnly } } : {}),
      ...(others.length ? { always: { tool_names: others } } : {}),
    },
  };
  const names = [...new Set(options.headerNames ?? [])];
  if (names.length) {
    const headers: Record<string, string> = {};
    for (const name of names) Object.defineProperty(headers, name, { value: `<your ${name}>`, enumerable: true, writable: true, configurable: true });
    // keep the documented key order: headers right after server_url
    return { type: block.type, server_label: block.server_label, server_url: block.server_url, headers, allowed_tools: block.allowed_tools, require_approval: block.require_approval };
  }
  return block;
}

function checkServerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--server-url "${url}" is not a URL`, { hint: 'give the public URL OpenAI will call, e.g. --server-url https://mcp.example.com/mcp' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(`--server-url "${url}" is not an http(s) URL`, { hint: 'OpenAI reaches remote MCP servers over https, e.g. https://mcp.example.com/mcp' });
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError('--server-url must not carry credentials', { hint: 'pass them with --header "Authorization: …"; the block only shows a placeholder' });
  }
}
