/**
 * The strict encoding of what strict mode cannot say, and its way back. `toStrictSchema` sends a value strict mode
 * cannot describe either as a string holding JSON (`as: 'json'`: a free-form object, an "any value", a tuple, a
 * union with such a branch) or, for a map whose values have a schema strict mode can hold the model to, as a list
 * of `{ "key", "value" }` pairs (`as: 'entries'`); an object that declares properties and also allows others gets
 * one more property, `extra.field`, holding the others (the root of a tool that describes no arguments at all gets
 * only that property, `arguments`). The codec says where: it mirrors the arguments, and lists only what is encoded.
 * `decodeArguments` turns the model's strict arguments back into the tool's own, `encodeArguments` the reverse.
 * Pure; JSON in, JSON out.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { defineOwn, isObject, resolveLocalRef } from './strict-keywords.js';

/** How one value of the arguments is encoded; a member that is absent means "as it is". */
export interface ArgumentCodec {
  /** 'json': the value is a string holding JSON. 'entries': an array of `{ key, value }` holding an object. */
  as?: 'json' | 'entries';
  /** entries: how each value is encoded. */
  value?: ArgumentCodec;
  /** An object: the properties that are encoded (or hold encoded values). */
  properties?: Record<string, ArgumentCodec>;
  /** An object: the property that carries the keys the schema does not declare, as JSON or entries. */
  extra?: { field: string; as: 'json' | 'entries'; value?: ArgumentCodec };
  /** An array: how each item is encoded. */
  items?: ArgumentCodec;
  /** A `$ref` of the strict schema: the codec of its definition, in `defs`. */
  ref?: string;
}

/** One function's codec: the arguments' codec, and the codecs of the `$defs` it refers to. */
export interface FunctionCodec extends ArgumentCodec {
  defs?: Record<string, ArgumentCodec>;
}

export interface DecodeProblem {
  /** JSON pointer into the model's (strict) arguments. */
  path: string;
  message: string;
}

/** Thrown by decodeArguments: what to correct, one problem per value. */
export class DecodeError extends Error {
  constructor(readonly problems: DecodeProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'DecodeError';
  }
}

const EXAMPLE = 'e.g. "{\\"key\\": \\"value\\"}"';

/**
 * The model's strict arguments → the tool's arguments. A `null` where an encoded value goes means "left out"
 * (strict mode makes the model send every property): the key is dropped. Throws DecodeError listing every value
 * that is not what its encoding says (a string that is not JSON, a pair list with a repeated key …).
 */
export function decodeArguments(codec: FunctionCodec, args: Record<string, unknown>): Record<string, unknown> {
  const problems: DecodeProblem[] = [];
  const out = decode(codec, args, '', codec.defs ?? {}, problems, 0);
  if (problems.length) throw new DecodeError(problems);
  return out as Record<string, unknown>;
}

/** The tool's arguments → what the strict schema asks of the model (nulls for left-out properties included). */
export function encodeArguments(codec: FunctionCodec, strictSchema: JsonSchema, args: Record<string, unknown>): Record<string, unknown> {
  return encode(codec, strictSchema, args, codec.defs ?? {}, strictSchema, 0) as Record<string, unknown>;
}

/** A codec that changes nothing (after pruning): no encoding anywhere below. */
export function isIdentity(codec: ArgumentCodec | undefined): boolean {
  return codec === undefined || Object.keys(codec).length === 0;
}

/** Recursion on values goes as deep as the value; this bounds a hostile one (JSON.parse's own limit is higher). */
const MAX_DEPTH = 200;

function decode(codec: ArgumentCodec | undefined, value: unknown, path: string, defs: Record<string, ArgumentCodec>, problems: DecodeProblem[], depth: number): unknown {
  if (codec === undefined || value === null || depth > MAX_DEPTH) return value;
  if (codec.ref !== undefined) return decode(Object.hasOwn(defs, codec.ref) ? defs[codec.ref] : undefined, value, path, defs, problems, depth + 1);
  if (codec.as === 'json') return parseJson(value, path, problems);
  if (codec.as === 'entries') return fromEntries(value, codec.value, path, defs, problems, depth);
  if (codec.items !== undefined && Array.isArray(value)) return value.map((item, i) => decode(codec.items, item, `${path}/${i}`, defs, problems, depth + 1));
  if ((codec.properties === undefined && codec.extra === undefined) || !isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (codec.extra !== undefined && key === codec.extra.field) continue;
    const sub = codec.properties !== undefined && Object.hasOwn(codec.properties, key) ? codec.properties[key] : undefined;
    // a null where an encoded value goes is strict mode's "left out"
    if (item === null && (sub?.as !== undefined)) continue;
    defineOwn(out, key, decode(sub, item, `${path}/${escape(key)}`, defs, problems, depth + 1));
  }
  if (codec.extra !== undefined && Object.hasOwn(value, codec.extra.field)) mergeExtra(codec.extra, value[codec.extra.field], out, path, defs, problems, depth);
  return out;
}

function mergeExtra(extra: NonNullable<ArgumentCodec['extra']>, raw: unknown, out: Record<string, unknown>, path: string, defs: Record<string, ArgumentCodec>, problems: DecodeProblem[], depth: number): void {
  if (raw === null) return;
  const where = `${path}/${escape(extra.field)}`;
  const before = problems.length;
  const decoded = extra.as === 'json' ? parseJson(raw, where, problems) : fromEntries(raw, extra.value, where, defs, problems, depth);
  if (problems.length > before) return;
  if (!isObject(decoded)) {
    problems.push({ path: where, message: `"${where}" must hold a JSON object, not ${kind(decoded)}` });
    return;
  }
  for (const [key, item] of Object.entries(decoded)) {
    if (Object.hasOwn(out, key)) {
      problems.push({ path: where, message: `"${where}" repeats "${key}", a property of its own: send it only as that property` });
      continue;
    }
    defineOwn(out, key, item);
  }
}

function parseJson(value: unknown, path: string, problems: DecodeProblem[]): unknown {
  const where = path === '' ? 'the arguments' : `"${path}"`;
  if (typeof value !== 'string') {
    problems.push({ path, message: `${where} must be a string holding JSON (${EXAMPLE}), not ${kind(value)}` });
    return value;
  }
  try {
    return JSON.parse(value);
  } catch (error) {
    problems.push({ path, message: `${where} is not valid JSON (${(error as Error).message}); send the value as a string holding JSON, ${EXAMPLE}` });
    return value;
  }
}

function fromEntries(value: unknown, codec: ArgumentCodec | undefined, path: string, defs: Record<string, ArgumentCodec>, problems: DecodeProblem[], depth: number): unknown {
  const where = `"${path}"`;
  if (!Array.isArray(value)) {
    problems.push({ path, message: `${where} must be a list of {"key": …, "value": …} pairs, not ${kind(value)}` });
    return value;
  }
  const out: Record<string, unknown> = {};
  value.forEach((pair, i) => {
    if (!isObject(pair) || typeof pair.key !== 'string' || !Object.hasOwn(pair, 'value')) {
      problems.push({ path: `${path}/${i}`, message: `"${path}/${i}" must be {"key": "<name>", "value": …}` });
      return;
    }
    if (Object.hasOwn(out, pair.key)) {
      problems.push({ path: `${path}/${i}`, message: `${where} has the key "${pair.key}" twice: send each key once` });
      return;
    }
    defineOwn(out, pair.key, decode(codec, pair.value, `${path}/${i}/value`, defs, problems, depth + 1));
  });
  return out;
}

function encode(codec: ArgumentCodec | undefined, schema: unknown, value: unknown, defs: Record<string, ArgumentCodec>, root: JsonSchema, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  let node = isObject(schema) ? schema : {};
  if (typeof node.$ref === 'string') node = resolveLocalRef(root, node.$ref) ?? {};
  if (codec?.ref !== undefined) return encode(Object.hasOwn(defs, codec.ref) ? defs[codec.ref] : undefined, node, value, defs, root, depth + 1);
  if (codec?.as === 'json') return JSON.stringify(value);
  if (codec?.as === 'entries' && isObject(value)) {
    const pair = isObject(node.items) && isObject(node.items.properties) ? node.items.properties.value : undefined;
    return Object.entries(value).map(([key, item]) => ({ key, value: encode(codec.value, pair, item, defs, root, depth + 1) }));
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((item) => encode(codec?.items, node.items, item, defs, root, depth + 1));
  if (!isObject(value)) return value;
  const branch = objectBranch(node, value, root, codec?.extra?.field);
  const properties = isObject(branch?.properties) ? branch.properties : {};
  const out: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key) && key !== codec?.extra?.field) {
      const sub = codec?.properties !== undefined && Object.hasOwn(codec.properties, key) ? codec.properties[key] : undefined;
      defineOwn(out, key, encode(sub, properties[key], item, defs, root, depth + 1));
    } else {
      defineOwn(rest, key, item);
    }
  }
  // strict mode has no optional properties: every one left out is sent as null
  for (const key of Object.keys(properties)) if (!Object.hasOwn(out, key)) defineOwn(out, key, null);
  if (codec?.extra !== undefined) {
    const extra = codec.extra;
    const keys = Object.keys(rest);
    const declaredExtra = properties[extra.field];
    const pairSchema: JsonSchema = isObject(declaredExtra) ? declaredExtra : {};
    const nullable = Array.isArray(pairSchema.type) && pairSchema.type.includes('null');
    defineOwn(out, extra.field, keys.length === 0 && nullable ? null : extra.as === 'json' ? JSON.stringify(rest) : encode({ as: 'entries', value: extra.value }, withoutNull(pairSchema), rest, defs, root, depth + 1));
  } else {
    for (const [key, item] of Object.entries(rest)) defineOwn(out, key, item);
  }
  return out;
}

/** The object schema a value is encoded against: the node itself, or the anyOf branch that declares its keys. */
function objectBranch(node: JsonSchema, value: Record<string, unknown>, root: JsonSchema, extraField: string | undefined): JsonSchema | undefined {
  if (isObject(node.properties)) return node;
  if (!Array.isArray(node.anyOf)) return undefined;
  const branches = node.anyOf.map((b) => (isObject(b) && typeof b.$ref === 'string' ? resolveLocalRef(root, b.$ref) : b)).filter(isObject);
  return branches.find((b) => isObject(b.properties) && Object.keys(value).every((k) => k !== extraField && Object.hasOwn(b.properties as object, k)));
}

function withoutNull(schema: JsonSchema): JsonSchema {
  return Array.isArray(schema.type) ? { ...schema, type: schema.type.filter((t) => t !== 'null')[0] } : schema;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
