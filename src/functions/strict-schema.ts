/**
 * JSON Schema → OpenAI strict-mode (Structured Outputs) subset, for `strict: true` function tools.
 * Rules: the root is an object; every property is required and the optional ones become nullable;
 * `additionalProperties: false` on every object (also inside `$defs`, `items`, `anyOf`); `allOf` merged,
 * `oneOf` → `anyOf`; conditionals (`not`, `if/then/else`, `dependent*`) dropped with a warning; constraints
 * strict mode lacks (`minLength`, `default`, unsupported `format`s …) dropped and kept as a hint in the
 * description; limits checked (nesting, property and enum counts). Anything that cannot be represented
 * gets an `error` note: the caller then keeps the tool non-strict. Pure.
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { mergeAllOf } from './merge-all-of.js';
import { checkStrictLimits } from './strict-limits.js';
import {
  ANNOTATION_KEYWORDS, CONDITIONAL_KEYWORDS, DROPPED_KEYWORDS, HINTED_KEYWORDS, KEPT_KEYWORDS, STRICT_FORMATS,
  defineOwn, isObject, jsonTypeOf, pointer, resolveLocalRef, typesOf, type FunctionNote,
} from './strict-keywords.js';
import { makeNullable } from './nullable.js';

export interface StrictResult {
  schema: JsonSchema;
  notes: FunctionNote[];
}

interface Context {
  root: JsonSchema;
  notes: FunctionNote[];
  tool?: string;
  /** $refs being inlined on the current path (a recursive one is not inlined again). */
  inlining: Set<string>;
}

/** Converts one tool's input schema. The input is not modified. */
export function toStrictSchema(schema: JsonSchema, opts: { tool?: string } = {}): StrictResult {
  const root = structuredClone(schema);
  const ctx: Context = { root, notes: [], tool: opts.tool, inlining: new Set() };
  if (root.type === undefined && root.anyOf === undefined && root.oneOf === undefined && root.$ref === undefined) root.type = 'object';
  const out = convert(root, [], ctx);
  if (!typesOf(out).includes('object') || out.anyOf !== undefined || out.$ref !== undefined) {
    note(ctx, [], 'error', 'strict-root', 'the root must be a plain object schema (no anyOf, no $ref)');
  }
  for (const n of checkStrictLimits(out)) note(ctx, [], 'error', n.code, n.message);
  return { schema: out, notes: ctx.notes };
}

function note(ctx: Context, path: string[], level: FunctionNote['level'], code: string, message: string): void {
  const where = path.length ? `${pointer(path)}: ` : '';
  ctx.notes.push({ ...(ctx.tool ? { tool: ctx.tool } : {}), level, code, message: `${where}${message}` });
}

function convert(input: unknown, path: string[], ctx: Context): JsonSchema {
  if (!isObject(input)) {
    note(ctx, path, 'error', 'strict-unrepresentable', input === false ? 'a schema that accepts nothing' : 'a schema that accepts any value');
    return {};
  }
  let node = input;
  if (Array.isArray(node.allOf)) {
    node = mergeAllOf(node, { root: ctx.root, where: pointer(path), note: (l, c, m) => note(ctx, [], l, c, m) });
  }
  node = rewriteShapes(node, path, ctx);
  const ref = node.$ref;
  if (typeof ref === 'string' && Object.keys(node).some((k) => k !== '$ref')) {
    const target = ctx.inlining.has(ref) ? undefined : resolveLocalRef(ctx.root, ref);
    if (target === undefined) {
      note(ctx, path, 'info', 'strict-ref-siblings', `keywords next to the recursive or unresolvable $ref ${ref} were dropped (strict mode allows none)`);
      return { $ref: ref };
    }
    // strict mode rejects keywords next to a $ref ("description" most often): inline the target under them
    const { $ref: _ref, ...siblings } = node;
    ctx.inlining.add(ref);
    try {
      return convert({ ...structuredClone(target), ...siblings }, path, ctx);
    } finally {
      ctx.inlining.delete(ref);
    }
  }

  const out: JsonSchema = {};
  const hints: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (KEPT_KEYWORDS.has(key) || key === 'required' || key === 'additionalProperties') {
      if (key !== 'required' && key !== 'additionalProperties') out[key] = value;
    } else if (key === 'format' && typeof value === 'string' && STRICT_FORMATS.has(value)) {
      out.format = value;
    } else if (key === 'properties' || key === '$defs' || key === 'definitions') {
      out[key] = mapValues(value, (child, name) => convert(child, [...path, key, name], ctx));
    } else if (key === 'anyOf') {
      out.anyOf = (Array.isArray(value) ? value : []).map((b, i) => convert(b, [...path, 'anyOf', String(i)], ctx));
    } else if (key === 'items') {
      if (Array.isArray(value)) note(ctx, path, 'error', 'strict-unrepresentable', 'tuple-form items cannot be represented');
      else if (typeof value !== 'boolean') out.items = convert(value, [...path, 'items'], ctx);
      // items: false / true only qualify prefixItems (reported) or mean "any items" (reported below)
    } else if (key === 'prefixItems') {
      note(ctx, path, 'error', 'strict-unrepresentable', 'prefixItems (tuples) cannot be represented');
    } else if (key in HINTED_KEYWORDS) {
      const hint = HINTED_KEYWORDS[key]!(value);
      if (hint) hints.push(hint);
      note(ctx, path, 'info', 'strict-keyword-hinted', `"${key}" is not supported in strict mode; moved into the description`);
    } else if (CONDITIONAL_KEYWORDS.has(key)) {
      note(ctx, path, 'warning', 'strict-keyword-dropped', `"${key}" has no strict equivalent and was dropped; the model is not held to it (the server still validates)`);
    } else if (DROPPED_KEYWORDS.has(key)) {
      note(ctx, path, 'warning', 'strict-keyword-dropped', `"${key}" is not supported in strict mode and was dropped`);
    } else if (!ANNOTATION_KEYWORDS.has(key) && !key.startsWith('x-')) {
      note(ctx, path, 'info', 'strict-keyword-unknown', `unknown keyword "${key}" dropped`);
    }
  }
  if (hints.length) out.description = [out.description, ...hints].filter((s) => typeof s === 'string' && s !== '').join(' ');
  if (typesOf(out).includes('object')) closeObject(node, out, path, ctx);
  if (typesOf(out).includes('array') && out.items === undefined && node.prefixItems === undefined && !Array.isArray(node.items)) {
    note(ctx, path, 'error', 'strict-unrepresentable', 'an array without "items" (any items) cannot be represented');
  }
  return out;
}

/** oneOf → anyOf, `nullable: true` → a "null" type, singleton type arrays → a string, a missing type inferred. */
function rewriteShapes(input: JsonSchema, path: string[], ctx: Context): JsonSchema {
  const node: JsonSchema = { ...input };
  if (Array.isArray(node.oneOf)) {
    if (node.anyOf === undefined) {
      note(ctx, path, 'info', 'strict-oneof', 'oneOf rewritten as anyOf (strict mode has no oneOf; exclusivity is not enforced)');
      node.anyOf = node.oneOf;
    } else {
      note(ctx, path, 'warning', 'strict-keyword-dropped', 'oneOf next to anyOf cannot be rewritten and was dropped');
    }
    delete node.oneOf;
  }
  if (Array.isArray(node.type) && node.type.length === 1) node.type = node.type[0];
  if (node.nullable === true) {
    const types = typesOf(node);
    if (types.length && !types.includes('null')) node.type = [...types, 'null'];
  }
  delete node.nullable;
  if (node.type === undefined && node.$ref === undefined && node.anyOf === undefined) {
    const inferred = inferType(node);
    if (inferred === undefined) {
      note(ctx, path, 'error', 'strict-unrepresentable', 'a schema without a type (any value) cannot be represented');
    } else {
      node.type = inferred;
    }
  }
  return node;
}

function inferType(node: JsonSchema): unknown {
  if (isObject(node.properties) || node.additionalProperties !== undefined || Array.isArray(node.required)) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  const literals = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (!literals || literals.length === 0) return undefined;
  let types = [...new Set(literals.map(jsonTypeOf))];
  if (types.includes('number')) types = types.filter((t) => t !== 'integer');
  return types.length === 1 ? types[0] : types.sort();
}

/** Every property required (optional ones made nullable), no extra properties. */
function closeObject(node: JsonSchema, out: JsonSchema, path: string[], ctx: Context): void {
  const properties = isObject(out.properties) ? out.properties : {};
  const declared = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
  for (const name of declared) {
    if (!(name in properties)) note(ctx, path, 'warning', 'strict-required-undeclared', `required property "${name}" is not declared in properties and was dropped from required`);
  }
  for (const [name, schema] of Object.entries(properties)) {
    if (!declared.includes(name)) defineOwn(properties, name, makeNullable(schema as JsonSchema));
  }
  const extra = node.additionalProperties;
  const open = extra !== undefined && extra !== false;
  if (Object.keys(properties).length === 0 && (open || (extra === undefined && path.length > 0))) {
    note(ctx, path, 'error', 'strict-unrepresentable', 'an object with free-form keys (no declared properties) cannot be represented');
  } else if (open) {
    note(ctx, path, 'warning', 'strict-closed-object', 'additionalProperties was allowed; strict mode closes the object to its declared properties');
  }
  out.properties = properties;
  out.required = Object.keys(properties);
  out.additionalProperties = false;
}

function mapValues(value: unknown, fn: (child: unknown, key: string) => JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) defineOwn(out, k, fn(v, k));
  return out;
}
