/**
 * Routing a model's function call back to the MCP tool: the name map gives the tool; the arguments are decoded
 * where strict mode made them encoded (codec.ts), lose the `null`s strict mode makes the model send for optional
 * properties the tool does not accept null for (strict mode has no optional properties, MCP servers do), and are
 * checked against the tool's own input schema, so a mistake comes back to the model as an error it can correct
 * instead of reaching the server. Pure (the validators are compiled once per catalog and kept with it).
 */
import { createValidatorFactory, type ArgumentProblem, type CompiledValidator } from '../adapter/validate-args.js';
import { McpActionsError, UsageError } from '../errors.js';
import type { CatalogTool, JsonSchema, ToolCatalog } from '../mcp/catalog.js';
import { normalizeSchema } from '../openapi/schema.js';
import { decodeArguments, DecodeError, type FunctionCodec } from './codec.js';
import { acceptsNull } from './nullable.js';
import { defineOwn, isObject, resolveLocalRef } from './strict-keywords.js';

export interface McpCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface RouteOptions {
  /**
   * function name → codec: `encoded` of buildFunctionTools' result. Default: the `"$encoded"` member of the name
   * map when it has one (the `--name-map` file of `generate functions --strict`), else nothing is decoded.
   */
  encoded?: Readonly<Record<string, FunctionCodec>>;
  /** Check the decoded arguments against the tool's input schema (default true). */
  validate?: boolean;
}

/** The arguments the model sent cannot be used: what to correct, in words the model can act on. */
export class InvalidArgumentsError extends McpActionsError {
  readonly problems: ArgumentProblem[];
  constructor(functionName: string, what: string, problems: ArgumentProblem[]) {
    const listed = problems.slice(0, 5).map((p) => p.message).join('; ');
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
    super(`the arguments of "${functionName}" ${what}: ${listed}${more}`, { hint: 'correct them and call the function again' });
    this.problems = problems;
  }
}

/** Turns a function call (name + JSON arguments, as the model sent them) into the MCP `tools/call` params. */
export function toMcpCall(
  catalog: ToolCatalog,
  nameMap: Readonly<Record<string, string>>,
  functionName: string,
  argumentsJson: string,
  options: RouteOptions = {},
): McpCall {
  const toolName = Object.hasOwn(nameMap, functionName) && typeof nameMap[functionName] === 'string' ? nameMap[functionName] : undefined;
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
  const codecs = options.encoded ?? fromNameMap(nameMap);
  const codec = codecs !== undefined && Object.hasOwn(codecs, functionName) ? codecs[functionName] : undefined;
  let decoded = args;
  if (codec !== undefined) {
    try {
      decoded = decodeArguments(codec, args);
    } catch (error) {
      if (error instanceof DecodeError) throw new InvalidArgumentsError(functionName, 'cannot be decoded', error.problems);
      throw error;
    }
  }
  const restored = restoreArguments(tool.inputSchema, decoded);
  if (options.validate !== false) {
    const problems = validatorOf(catalog, tool).validate(restored);
    if (problems) throw new InvalidArgumentsError(functionName, `do not match the input schema of tool "${tool.name}"`, problems);
  }
  return { name: tool.name, arguments: restored };
}

function fromNameMap(nameMap: Readonly<Record<string, unknown>>): Readonly<Record<string, FunctionCodec>> | undefined {
  const value = Object.hasOwn(nameMap, '$encoded') ? nameMap.$encoded : undefined;
  return isObject(value) ? (value as Record<string, FunctionCodec>) : undefined;
}

/** One ajv instance per catalog (its cache goes with the catalog), one compiled validator per tool. */
const factories = new WeakMap<ToolCatalog, { compile: (schema: JsonSchema) => CompiledValidator; byTool: WeakMap<CatalogTool, CompiledValidator> }>();

function validatorOf(catalog: ToolCatalog, tool: CatalogTool): CompiledValidator {
  let entry = factories.get(catalog);
  if (!entry) {
    entry = { compile: createValidatorFactory(), byTool: new WeakMap() };
    factories.set(catalog, entry);
  }
  let validator = entry.byTool.get(tool);
  if (!validator) {
    // the schema the adapter checks: the tool's own, dialect-normalised, every constraint kept
    validator = entry.compile(normalizeSchema(tool.inputSchema, { tool: tool.name }).schema);
    entry.byTool.set(tool, validator);
  }
  return validator;
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
    const declared = Object.hasOwn(shape.properties, key);
    const sub = declared ? shape.properties[key] : shape.additional;
    // only a declared property can be one strict mode made the model send: other keys are the model's own values
    if (item === null && declared && !shape.required.has(key) && isObject(sub) && !acceptsNullDeep(sub, root, new Set())) continue;
    defineOwn(out, key, strip(sub, item, root, new Set()));
  }
  return out;
}

interface ObjectShape {
  properties: Record<string, unknown>;
  required: Set<string>;
  /** The schema of the keys `properties` does not declare (`additionalProperties`), when it is one. */
  additional?: JsonSchema;
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
  const additional = parts.map((p) => p.additionalProperties).find(isObject);
  if (withProps.length === 0 && additional === undefined) return undefined;
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of withProps) {
    for (const [k, v] of Object.entries(part.properties as Record<string, unknown>)) if (!Object.hasOwn(properties, k)) defineOwn(properties, k, v);
  }
  for (const part of parts) if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === 'string') required.add(r);
  return { properties, required, ...(additional ? { additional } : {}) };
}

/** Whether a schema may accept null; true unless it says otherwise (a null is dropped only when it surely is invalid). */
function acceptsNullDeep(schema: JsonSchema, root: JsonSchema, refs: ReadonlySet<string>): boolean {
  if (typeof schema.$ref === 'string') {
    if (refs.has(schema.$ref)) return true;
    const target = resolveLocalRef(root, schema.$ref);
    return target === undefined || acceptsNullDeep(target, root, new Set([...refs, schema.$ref]));
  }
  if (schema.nullable === true || acceptsNull(schema)) return true;
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  if ('const' in schema) return schema.const === null;
  if (schema.type !== undefined) return false;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return branches.some((b) => b === true || (isObject(b) && acceptsNullDeep(b, root, refs)));
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.every((b) => b === true || (isObject(b) && acceptsNullDeep(b, root, refs)));
  // an object or array shape without a type still accepts null: JSON Schema applies those keywords to their types only
  return true;
}
