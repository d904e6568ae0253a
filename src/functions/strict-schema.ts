/**
 * JSON Schema → OpenAI strict-mode (Structured Outputs) subset, for `strict: true` function tools, plus the codec
 * that takes the model's arguments back (codec.ts).
 * Rules: the root is an object; every property is required and the optional ones become nullable;
 * `additionalProperties: false` on every object (also inside `$defs`, `items`, `anyOf`); `allOf` merged,
 * `oneOf` → `anyOf`; conditionals (`not`, `if/then/else`, `dependent*`) dropped with a warning; constraints
 * strict mode lacks (`minLength`, `default`, unsupported `format`s …) dropped and kept as a hint in the
 * description. What strict mode cannot say at all is encoded, losslessly (strict-shape.ts decides which way):
 * a free-form object, an "any value", a tuple or a union with one of these becomes a string holding JSON, its
 * schema said in words; a map with typed values becomes a list of key/value pairs; the keys an open object
 * allows besides its declared ones go into one more property. Limits are checked (nesting, property and enum
 * counts): a schema over them gets an `error` note, and the caller keeps that tool non-strict. Pure.
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isIdentity, type ArgumentCodec, type FunctionCodec } from './codec.js';
import { dropUnusedDefinitions, finishCodec } from './strict-finish.js';
import { mergeAllOf } from './merge-all-of.js';
import { makeNullable } from './nullable.js';
import { kindInWords, schemaInWords } from './schema-words.js';
import { checkStrictLimits } from './strict-limits.js';
import { classify, declaredNames, isAny, typedValues, type Prepare } from './strict-shape.js';
import {
  ANNOTATION_KEYWORDS, CONDITIONAL_KEYWORDS, DROPPED_KEYWORDS, HINTED_KEYWORDS, KEPT_KEYWORDS, STRICT_FORMATS,
  defineOwn, isObject, jsonTypeOf, pointer, resolveLocalRef, typesOf, type FunctionNote,
} from './strict-keywords.js';

export interface StrictResult {
  schema: JsonSchema;
  notes: FunctionNote[];
  /** Where the strict arguments are encoded; `{}` when they are the tool's arguments as they are. */
  codec: FunctionCodec;
}

interface Context {
  root: JsonSchema;
  notes: FunctionNote[];
  tool?: string;
  /** $refs being inlined on the current path (a recursive one is not inlined again). */
  inlining: Set<string>;
  /** Codecs of the `$defs` entries, by `$ref`. */
  defs: Record<string, ArgumentCodec>;
  prepare: Prepare;
}

interface Converted {
  schema: JsonSchema;
  codec?: ArgumentCodec;
}

/** The property that carries the arguments of a tool that describes none (or whose root is not an object). */
export const ARGUMENTS_FIELD = 'arguments';
/** The property that carries the keys an open object allows besides its declared ones. */
export const EXTRA_FIELD = 'additional_properties';

/** Converts one tool's input schema. The input is not modified. */
export function toStrictSchema(schema: JsonSchema, opts: { tool?: string } = {}): StrictResult {
  let root = inlineRootRef(structuredClone(schema));
  // no type and nothing else (server-gitlab sends only $schema): an object that takes any arguments
  if (root.type === undefined && Object.keys(root).every((k) => ANNOTATION_KEYWORDS.has(k) || k === 'description' || k === 'title')) {
    root = { ...root, type: 'object', additionalProperties: true };
  }
  if (root.type === undefined && root.anyOf === undefined && root.oneOf === undefined && root.allOf === undefined && root.$ref === undefined) root.type = 'object';
  const ctx: Context = { root, notes: [], tool: opts.tool, inlining: new Set(), defs: {}, prepare: (n) => n };
  const silent: Context = { ...ctx, notes: [] };
  ctx.prepare = (n) => prepareNode(n, [], { ...silent, notes: [] });
  const prepared = prepareNode(root, [], { ...silent, notes: [] });
  const out = typesOf(prepared).includes('object') && prepared.anyOf === undefined && prepared.$ref === undefined
    ? convert(root, [], ctx, true)
    : wrapRoot(root, ctx);
  const notes = dropUnusedDefinitions(out.schema, ctx.notes);
  for (const n of checkStrictLimits(out.schema)) note({ ...ctx, notes }, [], 'error', n.code, n.message);
  return { schema: out.schema, notes, codec: finishCodec(out.codec, ctx.defs) };
}

function note(ctx: Context, path: string[], level: FunctionNote['level'], code: string, message: string): void {
  const where = path.length ? `${pointer(path)}: ` : '';
  ctx.notes.push({ ...(ctx.tool ? { tool: ctx.tool } : {}), level, code, message: `${where}${message}` });
}

/** allOf merged, then the shape rewrites: what `classify` reads. */
function prepareNode(input: JsonSchema, path: string[], ctx: Context): JsonSchema {
  let node = input;
  if (Array.isArray(node.allOf)) {
    node = mergeAllOf(node, { root: ctx.root, where: pointer(path), note: (l, c, m) => note(ctx, [], l, c, m) });
  }
  return rewriteShapes(node, path, ctx);
}

function convert(input: unknown, path: string[], ctx: Context, isRoot = false): Converted {
  if (input === true) return jsonValue({}, path, ctx, 'any JSON value');
  if (!isObject(input)) {
    note(ctx, path, 'error', 'strict-unrepresentable', 'a schema that accepts nothing');
    return { schema: {} };
  }
  const node = prepareNode(input, path, ctx);
  const ref = node.$ref;
  if (typeof ref === 'string') {
    if (Object.keys(node).every((k) => k === '$ref')) return { schema: { $ref: ref }, codec: { ref } };
    const target = ctx.inlining.has(ref) ? undefined : resolveLocalRef(ctx.root, ref);
    if (target === undefined) {
      note(ctx, path, 'info', 'strict-ref-siblings', `keywords next to the recursive or unresolvable $ref ${ref} were dropped (strict mode allows none)`);
      return { schema: { $ref: ref }, codec: { ref } };
    }
    // strict mode rejects keywords next to a $ref ("description" most often): inline the target under them
    const { $ref: _ref, ...siblings } = node;
    ctx.inlining.add(ref);
    try {
      return convert({ ...structuredClone(target), ...siblings }, path, ctx, isRoot);
    } finally {
      ctx.inlining.delete(ref);
    }
  }
  const shape = classify(node, isRoot, ctx.prepare, ctx.root);
  if (shape === 'json') return jsonValue(node, path, ctx, undefined);
  if (shape === 'entries') return entriesValue(node, path, ctx);
  return plainValue(node, path, ctx, shape === 'extra', isRoot);
}

function plainValue(input: JsonSchema, path: string[], ctx: Context, extra: boolean, isRoot: boolean): Converted {
  const node = withUndeclaredRequired(input, path, ctx);
  const out: JsonSchema = {};
  const codec: ArgumentCodec = {};
  const hints: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (KEPT_KEYWORDS.has(key) || key === 'required' || key === 'additionalProperties') {
      if (key !== 'required' && key !== 'additionalProperties') out[key] = value;
    } else if (key === 'format' && typeof value === 'string' && STRICT_FORMATS.has(value)) {
      out.format = value;
    } else if (key === 'properties') {
      const properties: JsonSchema = {};
      const codecs: Record<string, ArgumentCodec> = {};
      if (isObject(value)) {
        for (const [name, child] of Object.entries(value)) {
          const c = convert(child, [...path, key, name], ctx);
          defineOwn(properties, name, c.schema);
          if (!isIdentity(c.codec)) defineOwn(codecs, name, c.codec);
        }
      }
      out.properties = properties;
      if (Object.keys(codecs).length) codec.properties = codecs;
    } else if (key === '$defs' || key === 'definitions') {
      const defs: JsonSchema = {};
      if (isObject(value)) {
        for (const [name, child] of Object.entries(value)) {
          const c = convert(child, [...path, key, name], ctx);
          defineOwn(defs, name, c.schema);
          if (!isIdentity(c.codec)) defineOwn(ctx.defs, pointer([...path, key, name]), c.codec);
        }
      }
      out[key] = defs;
    } else if (key === 'anyOf') {
      // `classify` made sure no branch is encoded: their codecs can only be $refs to plain definitions
      out.anyOf = (Array.isArray(value) ? value : []).map((b, i) => convert(b, [...path, 'anyOf', String(i)], ctx).schema);
    } else if (key === 'items') {
      const c = typeof value === 'boolean' ? jsonValue({}, [...path, 'items'], ctx, 'any JSON value') : convert(value, [...path, 'items'], ctx);
      out.items = c.schema;
      if (!isIdentity(c.codec)) codec.items = c.codec;
    } else if (key in HINTED_KEYWORDS) {
      const hint = HINTED_KEYWORDS[key]!(value);
      if (hint) hints.push(hint);
      note(ctx, path, 'info', 'strict-keyword-hinted', `"${key}" is not supported in strict mode; moved into the description`);
    } else if (CONDITIONAL_KEYWORDS.has(key)) {
      note(ctx, path, 'warning', 'strict-keyword-dropped', `"${key}" has no strict equivalent and was dropped; the model is not held to it (the tool's own schema still checks it)`);
    } else if (DROPPED_KEYWORDS.has(key)) {
      if (!(extra && (key === 'patternProperties' || key === 'propertyNames'))) note(ctx, path, 'warning', 'strict-keyword-dropped', `"${key}" is not supported in strict mode and was dropped`);
    } else if (!ANNOTATION_KEYWORDS.has(key) && !key.startsWith('x-')) {
      note(ctx, path, 'info', 'strict-keyword-unknown', `unknown keyword "${key}" dropped`);
    }
  }
  if (typesOf(out).includes('array') && out.items === undefined) {
    const c = jsonValue({}, [...path, 'items'], ctx, 'any JSON value');
    out.items = c.schema;
    codec.items = c.codec;
  }
  if (hints.length) out.description = `${sentence(out.description)}${hints.join(' ')}`;
  if (typesOf(out).includes('object')) {
    closeObject(node, out);
    if (extra) addExtraField(node, out, codec, path, ctx, isRoot);
  }
  return { schema: out, codec };
}

/** `required` names that `properties` forgot: declared as "any value" (sent as JSON), so the model can send them. */
function withUndeclaredRequired(node: JsonSchema, path: string[], ctx: Context): JsonSchema {
  const names = declaredNames(node);
  const declared = isObject(node.properties) ? node.properties : {};
  const missing = names.filter((n) => !Object.hasOwn(declared, n));
  if (missing.length === 0) return node;
  const properties: JsonSchema = { ...declared };
  for (const name of missing) {
    defineOwn(properties, name, {});
    note(ctx, path, 'info', 'strict-required-undeclared', `required property "${name}" is not declared in properties; it takes any value`);
  }
  return { ...node, properties };
}

/** Every property required (optional ones made nullable), no extra properties. */
function closeObject(node: JsonSchema, out: JsonSchema): void {
  const properties = isObject(out.properties) ? out.properties : {};
  const declared = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
  for (const [name, schema] of Object.entries(properties)) {
    if (!declared.includes(name)) defineOwn(properties, name, makeNullable(schema as JsonSchema));
  }
  out.properties = properties;
  out.required = Object.keys(properties);
  out.additionalProperties = false;
}

/** The keys an open object allows besides its declared ones, in one more property (JSON, or pairs when typed). */
function addExtraField(node: JsonSchema, out: JsonSchema, codec: ArgumentCodec, path: string[], ctx: Context, isRoot: boolean): void {
  const properties = out.properties as JsonSchema;
  const alone = Object.keys(properties).length === 0;
  const field = freeName(alone && isRoot ? ARGUMENTS_FIELD : EXTRA_FIELD, properties);
  const others = { ...(node.patternProperties === undefined ? {} : { patternProperties: node.patternProperties }), ...(node.propertyNames === undefined ? {} : { propertyNames: node.propertyNames }), additionalProperties: node.additionalProperties ?? true };
  const what = alone
    ? `The tool's arguments, all in one${isAny(node.additionalProperties ?? true) && node.patternProperties === undefined ? ' (the server does not describe them: see the tool description)' : ''}`
    : `Properties other than the ${Object.keys(properties).length} above, all in one (null for none)`;
  let value: Converted;
  if (typedValues(node, ctx.prepare, ctx.root)) {
    value = entriesValue({ type: 'object', ...others, ...(node.minProperties === undefined ? {} : { minProperties: node.minProperties }), ...(node.maxProperties === undefined ? {} : { maxProperties: node.maxProperties }), description: what }, [...path, 'properties', field], ctx);
    codec.extra = { field, as: 'entries', ...(isIdentity(value.codec?.value) ? {} : { value: value.codec!.value }) };
  } else {
    value = jsonValue({ type: 'object', ...others, description: what }, [...path, 'properties', field], ctx, undefined);
    codec.extra = { field, as: 'json' };
  }
  defineOwn(properties, field, alone ? value.schema : makeNullable(value.schema));
  (out.required as string[]).push(field);
}

function freeName(base: string, taken: JsonSchema): string {
  let name = base;
  for (let n = 2; Object.hasOwn(taken, name); n++) name = `${base}_${n}`;
  return name;
}

/** A value strict mode cannot describe: a string holding JSON, described in words. */
function jsonValue(node: JsonSchema, path: string[], ctx: Context, words: string | undefined): Converted {
  const said = words ?? schemaInWords(stripDescription(node), ctx.root);
  const own = sentence(node.description);
  note(ctx, path, 'info', 'strict-encoded', `${kindInWords(node)}: sent as a string holding JSON, decoded before the call`);
  return { schema: { type: 'string', description: `${own}A string holding JSON: ${said}.` }, codec: { as: 'json' } };
}

/** A map with typed values: a list of `{ key, value }` pairs, the values held to their schema. */
function entriesValue(node: JsonSchema, path: string[], ctx: Context): Converted {
  const value = convert(node.additionalProperties, [...path, 'additionalProperties'], ctx);
  const key = isObject(node.propertyNames) ? convert({ ...node.propertyNames, type: 'string' }, [...path, 'propertyNames'], ctx).schema : { type: 'string' };
  const own = sentence(node.description);
  const schema: JsonSchema = {
    type: 'array',
    description: `${own}A list of {"key", "value"} pairs, one per key of the object ({"a": 1} is [{"key": "a", "value": 1}]).`,
    items: { type: 'object', properties: { key, value: value.schema }, required: ['key', 'value'], additionalProperties: false },
  };
  if (typeof node.minProperties === 'number') schema.minItems = node.minProperties;
  if (typeof node.maxProperties === 'number') schema.maxItems = node.maxProperties;
  note(ctx, path, 'info', 'strict-encoded', `${kindInWords(node)}: sent as a list of key/value pairs, decoded before the call`);
  return { schema, codec: { as: 'entries', ...(isIdentity(value.codec) ? {} : { value: value.codec }) } };
}

/** A root strict mode cannot take (a union, a $ref it cannot inline): the arguments as one JSON object string. */
function wrapRoot(root: JsonSchema, ctx: Context): Converted {
  const value = jsonValue({ ...root, description: 'The tool\'s arguments, all in one' }, ['properties', ARGUMENTS_FIELD], ctx, undefined);
  return {
    schema: { type: 'object', properties: { [ARGUMENTS_FIELD]: value.schema }, required: [ARGUMENTS_FIELD], additionalProperties: false },
    codec: { extra: { field: ARGUMENTS_FIELD, as: 'json' } },
  };
}

/** `{ "$ref": "#/$defs/Args", "$defs": … }` at the root: the referenced definition becomes the root. */
function inlineRootRef(root: JsonSchema): JsonSchema {
  if (typeof root.$ref !== 'string') return root;
  const target = resolveLocalRef(root, root.$ref);
  if (target === undefined || typeof target.$ref === 'string') return root;
  const { $ref: _ref, ...rest } = root;
  return { ...structuredClone(target), ...rest };
}

/** A description as the first sentence of a longer one: trimmed, ended with a period, a space after. */
function sentence(description: unknown): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  const text = description.trim();
  return /[.!?:]$/.test(text) ? `${text} ` : `${text}. `;
}

function stripDescription(node: JsonSchema): JsonSchema {
  const { description: _d, title: _t, ...rest } = node;
  return rest;
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
    if (inferred !== undefined) node.type = inferred;
  }
  return node;
}

function inferType(node: JsonSchema): unknown {
  if (isObject(node.properties) || node.additionalProperties !== undefined || node.patternProperties !== undefined || Array.isArray(node.required)) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  const literals = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (!literals || literals.length === 0) return undefined;
  let types = [...new Set(literals.map(jsonTypeOf))];
  if (types.includes('number')) types = types.filter((t) => t !== 'integer');
  return types.length === 1 ? types[0] : types.sort();
}
