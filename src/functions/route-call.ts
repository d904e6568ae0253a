/**
 * Routing a model's function call back to the MCP tool: the name map gives the tool, and the arguments lose
 * the `null`s that strict mode makes the model send for optional properties the tool does not accept null
 * for (strict mode has no optional properties, MCP servers do). Pure.
 */
import { UsageError } from '../errors.js';
import type { JsonSchema, ToolCatalog } from '../mcp/catalog.js';
import { acceptsNull } from './nullable.js';
import { isObject, resolveLocalRef } from './strict-keywords.js';

export interface McpCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Turns a function call (name + JSON arguments, as the model sent them) into the MCP `tools/call` params. */
export function toMcpCall(
  catalog: ToolCatalog,
  nameMap: Readonly<Record<string, string>>,
  functionName: string,
  argumentsJson: string,
): McpCall {
  const toolName = Object.hasOwn(nameMap, functionName) ? nameMap[functionName] : undefined;
  const tool = toolName === undefined ? undefined : catalog.tools.find((t) => t.name === toolName);
  if (tool === undefined) {
    throw new UsageError(`the model called "${functionName}", which is not one of the tools it was given`, {
      hint: 'route calls with the nameMap returned by buildFunctionTools for the same catalog',
    });
  }
  let args: unknown;
  try {
    args = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
  } catch (error) {
    throw new UsageError(`the arguments of "${functionName}" are not JSON`, { hint: 'the model sent malformed arguments; retry the turn', cause: error });
  }
  if (!isObject(args)) {
    throw new UsageError(`the arguments of "${functionName}" are not a JSON object`, { hint: 'the model sent malformed arguments; retry the turn' });
  }
  return { name: tool.name, arguments: restoreArguments(tool.inputSchema, args) };
}

/**
 * Drops `null` values of optional properties whose original schema does not accept null, in nested objects
 * and arrays too (local `$ref`s followed). Returns a new value; the input is not modified.
 */
export function restoreArguments(schema: JsonSchema, args: Record<string, unknown>): Record<string, unknown> {
  return strip(schema, args, schema, new Set()) as Record<string, unknown>;
}

function strip(schema: unknown, value: unknown, root: JsonSchema, refs: ReadonlySet<string>): unknown {
  if (!isObject(schema)) return value;
  if (typeof schema.$ref === 'string') {
    if (refs.has(schema.$ref)) return value;
    return strip(resolveLocalRef(root, schema.$ref), value, root, new Set([...refs, schema.$ref]));
  }
  if (Array.isArray(value)) return value.map((item) => strip(schema.items, item, root, refs));
  if (!isObject(value) || !isObject(schema.properties)) return value;
  const required = Array.isArray(schema.required) ? schema.required : [];
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (item === null && !required.includes(key) && isObject(sub) && !acceptsNullDeep(sub, root)) continue;
    out[key] = strip(sub, item, root, refs);
  }
  return out;
}

function acceptsNullDeep(schema: JsonSchema, root: JsonSchema): boolean {
  if (typeof schema.$ref === 'string') {
    const target = resolveLocalRef(root, schema.$ref);
    return target !== undefined && acceptsNull(target);
  }
  return acceptsNull(schema) || (Array.isArray(schema.enum) && schema.enum.includes(null)) || schema.const === null;
}
