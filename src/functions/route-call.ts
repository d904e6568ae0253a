/**
 * Routing a model's function call back to the MCP tool: the name map gives the tool, and the arguments lose
 * the `null`s that strict mode makes the model send for optional properties the tool does not accept null
 * for (strict mode has no optional properties, MCP servers do). Pure.
 */
import { UsageError } from '../errors.js';
import type { JsonSchema, ToolCatalog } from '../mcp/catalog.js';
import { acceptsNull } from './nullable.js';
import { defineOwn, isObject, resolveLocalRef } from './strict-keywords.js';

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

function strip(schema: unknown, value: unknown, root: JsonSchema, hops: ReadonlySet<string>): unknown {
  if (!isObject(schema)) return value;
  if (typeof schema.$ref === 'string') {
    // only a $ref chain that consumes no value can loop; descending into the value resets the chain
    if (hops.has(schema.$ref)) return value;
    return strip(resolveLocalRef(root, schema.$ref), value, root, new Set([...hops, schema.$ref]));
  }
  if (Array.isArray(value)) return value.map((item) => strip(schema.items, item, root, new Set()));
  if (!isObject(value)) return value;
  const shape = objectShape(schema, value, root, hops);
  if (shape === undefined) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = Object.hasOwn(shape.properties, key) ? shape.properties[key] : undefined;
    if (item === null && !shape.required.has(key) && isObject(sub) && !acceptsNullDeep(sub, root)) continue;
    defineOwn(out, key, strip(sub, item, root, new Set()));
  }
  return out;
}

interface ObjectShape {
  properties: Record<string, unknown>;
  required: Set<string>;
}

/**
 * The properties an object value is checked against: its own, those of every `allOf` branch, and those of the
 * first `anyOf`/`oneOf` branch that declares every key the value has.
 */
function objectShape(schema: JsonSchema, value: Record<string, unknown>, root: JsonSchema, hops: ReadonlySet<string>): ObjectShape | undefined {
  const resolve = (node: unknown): JsonSchema | undefined => {
    if (!isObject(node)) return undefined;
    if (typeof node.$ref !== 'string' || hops.has(node.$ref)) return node;
    return resolveLocalRef(root, node.$ref);
  };
  const parts: JsonSchema[] = [schema];
  if (Array.isArray(schema.allOf)) parts.push(...schema.allOf.map(resolve).filter(isObject));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = Array.isArray(schema[key]) ? (schema[key] as unknown[]).map(resolve).filter(isObject) : [];
    const fit = branches.find((b) => isObject(b.properties) && Object.keys(value).every((k) => Object.hasOwn(b.properties as object, k)));
    if (fit) parts.push(fit);
  }
  const withProps = parts.filter((p) => isObject(p.properties));
  if (withProps.length === 0) return undefined;
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of withProps) {
    for (const [k, v] of Object.entries(part.properties as Record<string, unknown>)) if (!Object.hasOwn(properties, k)) defineOwn(properties, k, v);
  }
  for (const part of parts) if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === 'string') required.add(r);
  return { properties, required };
}

function acceptsNullDeep(schema: JsonSchema, root: JsonSchema): boolean {
  if (typeof schema.$ref === 'string') {
    const target = resolveLocalRef(root, schema.$ref);
    return target !== undefined && acceptsNull(target);
  }
  return acceptsNull(schema) || (Array.isArray(schema.enum) && schema.enum.includes(null)) || schema.const === null;
}
