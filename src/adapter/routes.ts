/**
 * The route table: operationId → the tool it calls and its compiled validators. Built once per catalog from
 * the generator's operation bindings (the same ones the spec is made of), so the adapter never serves an
 * operation the spec does not promise, nor the reverse. Lookups go through Maps only.
 */
import type { CatalogTool, ToolCatalog } from '../mcp/catalog.js';
import type { ArgsValidator, CompiledValidator } from './validate-args.js';
import type { JsonSchema } from '../mcp/catalog.js';

/** The part of the generator's OperationBinding the adapter routes on. */
export interface OperationBindingLike {
  kind: 'tool' | 'generic';
  toolName?: string;
  operationId: string;
  path: string;
  /** For the generic operation: the tools it reaches (the spec's `x-mcp-tools`). */
  tools?: readonly string[];
}

export interface ToolEntry {
  tool: CatalogTool;
  validateInput: ArgsValidator;
  /** Present when the tool declares an outputSchema. */
  validateOutput?: ArgsValidator;
}

export interface Route {
  operationId: string;
  path: string;
  /** The tool of a 'tool' operation; undefined for the generic call_tool operation. */
  entry?: ToolEntry;
}

export interface RouteTable {
  /** Request path (e.g. '/tools/get_forecast') → route. */
  byPath: Map<string, Route>;
  /** Original MCP tool name → entry, for every tool some operation reaches (the generic one included). */
  byTool: Map<string, ToolEntry>;
  /** Schemas that ajv could not compile: their arguments go unchecked (logged at start). */
  compileErrors: { tool: string; message: string }[];
}

/**
 * What a route table serves, in words: "12 tools", "40 tools through 30 operations", and how many of the
 * catalog's tools it leaves out ("1 of 13 left out"). Counted from the routes, so it is what callers can reach.
 */
export function describeServed(routes: RouteTable, catalogTools: number): string {
  const tools = routes.byTool.size;
  const operations = routes.byPath.size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  let text = plural(tools, 'tool');
  if (operations !== tools) text += ` through ${plural(operations, 'operation')}`;
  if (catalogTools > tools) text += ` (${catalogTools - tools} of ${catalogTools} left out)`;
  return text;
}

/**
 * Builds the table. `schemaOf` maps a tool's input (or output) schema to the one the spec declares
 * (the generator's normaliser), so the adapter validates exactly what the spec documents.
 */
export function buildRouteTable(
  catalog: ToolCatalog,
  operations: readonly OperationBindingLike[],
  compile: (schema: JsonSchema) => CompiledValidator,
  schemaOf: (schema: JsonSchema, tool: string) => JsonSchema = (s) => s,
): RouteTable {
  const compileErrors: RouteTable['compileErrors'] = [];
  const byTool = new Map<string, ToolEntry>();
  const reachable = new Set<string>();
  for (const op of operations) {
    if (op.kind === 'tool' && op.toolName !== undefined) reachable.add(op.toolName);
    else for (const name of op.tools ?? []) reachable.add(name);
  }
  for (const tool of catalog.tools) {
    if (!reachable.has(tool.name)) continue;
    const input = compile(schemaOf(tool.inputSchema, tool.name));
    if (input.compileError) compileErrors.push({ tool: tool.name, message: input.compileError });
    const entry: ToolEntry = { tool, validateInput: input.validate };
    if (tool.outputSchema) {
      const output = compile(schemaOf(tool.outputSchema, tool.name));
      if (output.compileError) compileErrors.push({ tool: tool.name, message: `outputSchema: ${output.compileError}` });
      else entry.validateOutput = output.validate;
    }
    byTool.set(tool.name, entry);
  }
  const byPath = new Map<string, Route>();
  for (const op of operations) {
    if (op.kind === 'generic') {
      byPath.set(op.path, { operationId: op.operationId, path: op.path });
      continue;
    }
    const entry = op.toolName === undefined ? undefined : byTool.get(op.toolName);
    if (entry) byPath.set(op.path, { operationId: op.operationId, path: op.path, entry });
  }
  return { byPath, byTool, compileErrors };
}
