/**
 * A ToolCatalog → OpenAI function tools, for Chat Completions or the Responses API. Same catalog, same schema
 * normaliser and same name mapping (`mapToolNames`) as the OpenAPI spec, so a function name is the operationId.
 * Pure: throws ProblemsFoundError when more tools are selected than OpenAI accepts in one request.
 * @see platform-facts.md "OpenAI function calling"
 */
import { ProblemsFoundError } from '../errors.js';
import type { CatalogTool, JsonSchema, ToolCatalog } from '../mcp/catalog.js';
import { mapToolNames } from '../openapi/naming.js';
import { normalizeToolSchema } from './normalize.js';
import { selectTools } from '../openapi/select-tools.js';
import { untypedSchemaNotes } from '../openapi/untyped-schema.js';
import { defineOwn, type FunctionNote } from './strict-keywords.js';
import type { FunctionCodec } from './codec.js';
import { toStrictSchema } from './strict-schema.js';

/** OpenAI rejects a request with more tools: "array too long ... maximum length 128". */
export const MAX_FUNCTION_TOOLS = 128;

export type FunctionApi = 'chat' | 'responses';

export interface FunctionToolsOptions {
  api: FunctionApi;
  /** Convert every schema to the strict (Structured Outputs) subset and mark the tools `strict: true`. */
  strict?: boolean;
  include?: string[];
  exclude?: string[];
}

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
}

/** Chat Completions: `{ type: 'function', function: { name, description, parameters, strict? } }`. */
export interface ChatFunctionTool {
  type: 'function';
  function: FunctionDefinition;
}

/** Responses API: flat, and `strict` always present (omitting it means strict there). */
export interface ResponsesFunctionTool extends FunctionDefinition {
  type: 'function';
  strict: boolean;
}

export interface FunctionToolsResult<T = ChatFunctionTool | ResponsesFunctionTool> {
  tools: T[];
  /** function name → MCP tool name: how a tool call is routed back. */
  nameMap: Record<string, string>;
  /**
   * function name → where its strict arguments are encoded (JSON strings, key/value pairs), for the strict
   * functions that have such fields; `toMcpCall` decodes them. Empty without `strict`.
   */
  encoded: Record<string, FunctionCodec>;
  notes: FunctionNote[];
}

export function buildFunctionTools(catalog: ToolCatalog, options: FunctionToolsOptions & { api: 'chat' }): FunctionToolsResult<ChatFunctionTool>;
export function buildFunctionTools(catalog: ToolCatalog, options: FunctionToolsOptions & { api: 'responses' }): FunctionToolsResult<ResponsesFunctionTool>;
export function buildFunctionTools(catalog: ToolCatalog, options: FunctionToolsOptions): FunctionToolsResult;
export function buildFunctionTools(catalog: ToolCatalog, options: FunctionToolsOptions): FunctionToolsResult {
  const selection = selectTools(catalog.tools, { include: options.include, exclude: options.exclude });
  const selected = selection.operations;
  if (selected.length > MAX_FUNCTION_TOOLS) {
    throw new ProblemsFoundError(
      `${selected.length} tools selected; OpenAI accepts at most ${MAX_FUNCTION_TOOLS} tools per request`,
      { hint: 'choose the tools with --include "pattern" and/or --exclude "pattern" (globs on tool names)' },
    );
  }
  const notes: FunctionNote[] = [...selection.notes];
  if (selected.length === 0) notes.push({ level: 'warning', code: 'no-tools', message: 'the server has no tools' });
  const mapping = mapToolNames(selected.map((t) => t.name));
  notes.push(...mapping.notes.map((message): FunctionNote => ({ level: 'info', code: 'name-mapped', message })));
  const nameMap: Record<string, string> = {};
  const encoded: Record<string, FunctionCodec> = {};
  const tools = selected.map((tool) => {
    const name = mapping.ids.get(tool.name)!;
    defineOwn(nameMap, name, tool.name);
    const { definition, codec } = toDefinition(tool, name, options.strict === true, notes);
    if (codec !== undefined) defineOwn(encoded, name, codec);
    return options.api === 'chat'
      ? ({ type: 'function', function: definition } satisfies ChatFunctionTool)
      : ({ type: 'function', ...definition, strict: definition.strict ?? false } satisfies ResponsesFunctionTool);
  });
  return { tools, nameMap, encoded, notes };
}

function toDefinition(tool: CatalogTool, name: string, strict: boolean, notes: FunctionNote[]): { definition: FunctionDefinition; codec?: FunctionCodec } {
  notes.push(...untypedSchemaNotes(tool));
  const normalized = normalizeToolSchema(tool.inputSchema, { tool: tool.name });
  notes.push(...normalized.notes);
  const parameters = asObjectRoot(normalized.schema);
  const description = describe(tool);
  const base = { name, ...(description ? { description } : {}) };
  if (!strict) return { definition: { ...base, parameters } };
  // the untyped-root reading is the converter's own (an object that takes any arguments): give it the raw root
  const converted = toStrictSchema(normalized.schema, { tool: tool.name });
  const errors = converted.notes.filter((n) => n.level === 'error');
  if (errors.length) {
    // only what explains the fallback: the other notes describe a schema that is not the one emitted
    notes.push(...errors, {
      tool: tool.name,
      level: 'warning',
      code: 'strict-fallback',
      message: 'its input schema cannot be represented in strict mode (see the errors above); emitted with strict: false',
    });
    return { definition: { ...base, parameters, strict: false } };
  }
  notes.push(...converted.notes);
  const encodes = Object.keys(converted.codec).length > 0;
  return { definition: { ...base, parameters: converted.schema, strict: true }, ...(encodes ? { codec: converted.codec } : {}) };
}

/** Function parameters must be an object schema; a tool without one takes no arguments. */
function asObjectRoot(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (out.type === undefined && out.anyOf === undefined && out.oneOf === undefined && out.$ref === undefined) out.type = 'object';
  if (out.type === 'object' && out.properties === undefined) out.properties = {};
  return out;
}

/** The model reads the description to pick a tool: the MCP description, else the title. */
function describe(tool: CatalogTool): string | undefined {
  const title = tool.title ?? tool.annotations?.title;
  if (tool.description && tool.description.trim() !== '') return tool.description;
  return title && title !== tool.name ? title : undefined;
}
