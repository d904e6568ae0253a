/** `mcp-actions generate responses-mcp`: the Responses API `{ type: "mcp" }` tool block for a server. */
import { buildResponsesMcpTool, mcpEndpointUrl } from '../functions/responses-mcp.js';
import { formatNote } from '../openapi/notes.js';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { listTools } from '../mcp/introspect.js';
import { describeTarget, type Target } from '../mcp/target.js';
import type { CommandIO } from './io.js';
import { parseHeaders, parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface GenerateResponsesMcpOptions extends TargetOptions {
  serverUrl: string;
  label: string;
  include?: string[];
  exclude?: string[];
}

export async function generateResponsesMcpCommand(operands: string[], opts: GenerateResponsesMcpOptions, io: CommandIO): Promise<number> {
  const headers = parseHeaders(opts.header);
  const headerNames = Object.keys(headers);
  // check --server-url and --label before connecting anywhere
  buildResponsesMcpTool({ server: { name: '', version: '' }, tools: [] }, { serverUrl: opts.serverUrl, label: opts.label });
  const noTarget = operands.length === 0 && opts.url === undefined && opts.config === undefined;
  const endpoint = mcpEndpointUrl(opts.serverUrl);
  if (endpoint !== opts.serverUrl) io.stderr(`server_url: ${endpoint} (the MCP endpoint of mcp-actions serve at ${opts.serverUrl}; give a URL with a path to use another one)\n`);
  // --header is what OpenAI sends to --server-url; it is also used to list the tools when that goes over HTTP
  const resolved = await resolveTarget({ ...opts, header: undefined, ...(noTarget ? { url: endpoint } : {}) }, operands, io);
  const target: Target = resolved.kind === 'http' ? { ...resolved, headers: { ...resolved.headers, ...headers } } : resolved;
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  io.stderr(`connecting to ${describeTarget(target)}…\n`);
  const catalog = await listTools(target, { timeoutMs, baseEnv: io.env });
  const block = buildResponsesMcpTool(catalog, {
    serverUrl: opts.serverUrl,
    label: opts.label,
    headerNames,
    include: opts.include,
    exclude: opts.exclude,
    onNote: (note) => io.stderr(`${formatNote(note)}\n`),
  });
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' || /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(url.hostname)) {
    io.stderr(`warning: OpenAI must reach ${endpoint} from the internet; use a public https URL\n`);
  }
  const approval = block.require_approval;
  io.stderr(
    `${block.allowed_tools.length} tools: ${approval.never?.tool_names.length ?? 0} read-only (no approval), ` +
      `${approval.always?.tool_names.length ?? 0} needing approval\n`,
  );
  if (headerNames.length) io.stderr(`headers are placeholders: put the real values in your request, never in source\n`);
  io.stdout(`${JSON.stringify(block, null, 2)}\n`);
  return 0;
}
