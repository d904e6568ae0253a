/** `mcp-actions inspect`: print a server's tools as a table, or the whole catalog as JSON. */
import { countParameters, toolTitle, type ToolCatalog } from '../mcp/catalog.js';
import { connect, DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import { readCatalog } from '../mcp/introspect.js';
import { formatNote } from '../openapi/notes.js';
import { untypedSchemaNotes } from '../openapi/untyped-schema.js';
import { describeTarget } from '../mcp/target.js';
import type { CommandIO } from './io.js';
import { parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface InspectOptions extends TargetOptions {
  json?: boolean;
}

export async function inspectCommand(operands: string[], opts: InspectOptions, io: CommandIO): Promise<number> {
  const target = await resolveTarget(opts, operands, io);
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  io.stderr(`connecting to ${describeTarget(target)}…\n`);
  const connection = await connect(target, { timeoutMs, baseEnv: io.env });
  let catalog: ToolCatalog;
  try {
    catalog = await readCatalog(connection, { timeoutMs });
  } finally {
    await connection.close();
  }
  const via = connection.transport === 'stdio' ? 'stdio' : connection.transport === 'sse' ? 'legacy SSE' : 'Streamable HTTP';
  io.stderr(`${catalog.server.name} ${catalog.server.version} (over ${via}): ${catalog.tools.length} tools\n`);
  for (const tool of catalog.tools) for (const note of untypedSchemaNotes(tool)) io.stderr(`${formatNote(note)}\n`);
  io.stdout(opts.json ? `${JSON.stringify(catalog, null, 2)}\n` : formatCatalogTable(catalog));
  return 0;
}

/** A plain-text table: name, title, read-only/destructive flags, parameters, output schema. */
export function formatCatalogTable(catalog: ToolCatalog): string {
  const header = ['NAME', 'TITLE', 'READ-ONLY', 'DESTRUCTIVE', 'PARAMS', 'OUTPUT-SCHEMA'];
  const rows = catalog.tools.map((t) => [
    t.name,
    oneLine(toolTitle(t) === t.name ? '' : toolTitle(t), 40),
    t.annotations?.readOnlyHint === true ? 'yes' : 'no',
    // MCP default for destructiveHint is true, and it only means something for tools that are not read-only.
    t.annotations?.readOnlyHint === true ? '-' : t.annotations?.destructiveHint === false ? 'no' : 'yes',
    String(countParameters(t)),
    t.outputSchema ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
