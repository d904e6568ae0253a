/**
 * Walking JSON Schemas: which keywords hold subschemas, and a copy-on-write map over them.
 * Keywords that hold data (enum, const, default, examples) are never descended into.
 * @see https://json-schema.org/draft/2020-12/json-schema-core#section-10 (applicator keywords)
 */
import type { JsonSchema } from '../mcp/catalog.js';

/** A JSON Schema or a boolean schema. */
export type SchemaNode = JsonSchema | boolean;

/** Keywords whose value is one schema. */
export const SINGLE_KEYWORDS = [
  'items', 'additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else',
  'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema',
] as const;
/** Keywords whose value is a map of name → schema. */
export const MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
/** Keywords whose value is an array of schemas. */
export const ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** Sets an own enumerable property, even for keys like `__proto__` (a property name a schema may use). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  // plain assignment is the same for every other key, and keeps objects in V8's fast mode
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

export function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is SchemaNode {
  return isObject(value) || typeof value === 'boolean';
}

/** Where a subschema sits: the keyword, and the property name or index inside it when there is one. */
export interface Position {
  keyword: string;
  key?: string | number;
}

export type Kind = 'single' | 'map' | 'array';
const KIND = new Map<string, Kind>([
  ...SINGLE_KEYWORDS.map((k) => [k, 'single'] as const),
  ...MAP_KEYWORDS.map((k) => [k, 'map'] as const),
  ...ARRAY_KEYWORDS.map((k) => [k, 'array'] as const),
  ['dependencies', 'map'],
]);

/**
 * Returns a shallow copy of `schema` whose subschemas are replaced by `fn(sub, position)`.
 * `skip` lists keywords to leave untouched (e.g. `$defs` when they are handled separately).
 */
export function mapSubschemas(
  schema: JsonSchema,
  fn: (sub: SchemaNode, pos: Position) => SchemaNode,
  skip: readonly string[] = [],
): JsonSchema {
  const out: JsonSchema = {};
  const keywords = Object.keys(schema);
  for (let w = 0; w < keywords.length; w++) {
    const keyword = keywords[w]!;
    const value = schema[keyword];
    const kind = KIND.get(keyword);
    if (kind === undefined || skip.includes(keyword)) {
      setOwn(out, keyword, value);
    } else if (kind === 'single' && isSchema(value)) {
      setOwn(out, keyword, fn(value, { keyword }));
    } else if (kind !== 'map' && Array.isArray(value)) {
      // `kind === 'single'`: the draft-07 tuple form of `items`
      setOwn(out, keyword, value.map((v, i) => (isSchema(v) ? fn(v, { keyword, key: i }) : v)));
    } else if (kind === 'map' && isObject(value)) {
      const map: JsonSchema = {};
      for (const k of Object.keys(value)) setOwn(map, k, isSchema(value[k]) ? fn(value[k], { keyword, key: k }) : value[k]);
      setOwn(out, keyword, map);
    } else {
      setOwn(out, keyword, value);
    }
  }
  return out;
}

/**
 * mapSubschemas for an `fn` that needs no position: the same copy, without allocating a position per
 * subschema. `skip` as in mapSubschemas; `keywords`: `Object.keys(schema)` when the caller has it already.
 */
export function copySubschemas(schema: JsonSchema, fn: (sub: SchemaNode) => SchemaNode, skip: readonly string[] = [], keywords = Object.keys(schema)): JsonSchema {
  const out: JsonSchema = {};
  for (let w = 0; w < keywords.length; w++) {
    const keyword = keywords[w]!;
    const value = schema[keyword];
    const kind = KIND.get(keyword);
    if (kind === undefined || (skip.length > 0 && skip.includes(keyword))) {
      setOwn(out, keyword, value);
    } else if (kind === 'single' && isSchema(value)) {
      setOwn(out, keyword, fn(value));
    } else if (kind !== 'map' && Array.isArray(value)) {
      // `kind === 'single'`: the draft-07 tuple form of `items`
      setOwn(out, keyword, value.map((v) => (isSchema(v) ? fn(v) : v)));
    } else if (kind === 'map' && isObject(value)) {
      const map: JsonSchema = {};
      const names = Object.keys(value);
      for (let m = 0; m < names.length; m++) {
        const k = names[m]!;
        const v = value[k];
        setOwn(map, k, isSchema(v) ? fn(v) : v);
      }
      setOwn(out, keyword, map);
    } else {
      setOwn(out, keyword, value);
    }
  }
  return out;
}

/** Which kind of subschema holder `keyword` is: one schema, a map of schemas, an array of schemas, or none. */
export function subschemaKind(keyword: string): Kind | undefined {
  return KIND.get(keyword);
}

/**
 * In place: replaces each subschema of `schema` by `fn(sub, keyword, key)` when that returns another value.
 * Only for schemas the caller owns (a private copy, e.g. from normalizeSchema): nothing is copied, and no
 * object is allocated per node. Visits exactly the subschemas mapSubschemas visits, in the same order.
 */
export function updateSubschemas(schema: JsonSchema, fn: (sub: SchemaNode, keyword: string, key: string | number | undefined) => SchemaNode): void {
  const keywords = Object.keys(schema);
  for (let w = 0; w < keywords.length; w++) {
    const keyword = keywords[w]!;
    const kind = KIND.get(keyword);
    if (kind === undefined) continue;
    const value = schema[keyword];
    if (kind === 'single' && isSchema(value)) {
      const next = fn(value, keyword, undefined);
      if (next !== value) setOwn(schema, keyword, next);
    } else if (kind !== 'map' && Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (!isSchema(v)) continue;
        const next = fn(v, keyword, i);
        if (next !== v) value[i] = next;
      }
    } else if (kind === 'map' && isObject(value)) {
      const names = Object.keys(value);
      for (let m = 0; m < names.length; m++) {
        const k = names[m]!;
        const v = value[k];
        if (!isSchema(v)) continue;
        const next = fn(v, keyword, k);
        if (next !== v) setOwn(value, k, next);
      }
    }
  }
}

/**
 * Calls `fn` on every subschema (not the root), depth first, parents before children, without copying
 * anything or allocating per node. `skip` lists keywords not to descend into, at any depth.
 */
export function forEachSubschema(schema: JsonSchema, fn: (sub: JsonSchema) => void, skip: readonly string[] = []): void {
  const keywords = Object.keys(schema);
  for (let w = 0; w < keywords.length; w++) {
    const keyword = keywords[w]!;
    const kind = KIND.get(keyword);
    if (kind === undefined || (skip.length > 0 && skip.includes(keyword))) continue;
    const value = schema[keyword];
    if (kind === 'single' && isObject(value)) {
      fn(value);
      forEachSubschema(value, fn, skip);
    } else if (kind !== 'map' && Array.isArray(value)) {
      // `kind === 'single'`: the draft-07 tuple form of `items`
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (isObject(v)) { fn(v); forEachSubschema(v, fn, skip); }
      }
    } else if (kind === 'map' && isObject(value)) {
      const names = Object.keys(value);
      for (let m = 0; m < names.length; m++) {
        const k = names[m]!;
        const v = value[k];
        if (isObject(v)) { fn(v); forEachSubschema(v, fn, skip); }
      }
    }
  }
}

/** Rebuilds a schema bottom-up: `fn` sees each node after its subschemas were rebuilt. */
export function transformSchema(schema: SchemaNode, fn: (node: JsonSchema) => SchemaNode, skip: readonly string[] = []): SchemaNode {
  if (!isObject(schema)) return schema;
  return fn(mapSubschemas(schema, (sub) => transformSchema(sub, fn, skip), skip));
}

/** JSON with object keys sorted: a canonical form for hashing and comparing. */
export function stableStringify(value: unknown): string {
  // the common case natively: a copy whose keys are inserted in sorted order, which JSON.stringify keeps
  const copy = sortedCopy(value);
  return copy === UNSORTABLE ? slowStableStringify(value) : JSON.stringify(copy) ?? 'null';
}

const UNSORTABLE = Symbol('unsortable');

/**
 * `value` with every object's keys in sorted order, undefined members left out and functions or symbols as
 * null, as slowStableStringify writes them; UNSORTABLE when an object has a key whose place JSON.stringify
 * would not keep (integer-like keys come first in any object) or that a plain object cannot hold (`__proto__`).
 * Only what must change is copied: a plain object whose keys are already sorted, or an array, whose members
 * need no change either, is returned as it is (JSON.stringify writes it the same way).
 */
function sortedCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? null : value;
  if (Array.isArray(value)) {
    // an own or inherited toJSON would change what JSON.stringify writes: such an array is always copied
    let out: unknown[] | undefined = (value as { toJSON?: unknown }).toJSON === undefined ? undefined : [];
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const item = sortedCopy(v);
      if (item === UNSORTABLE) return UNSORTABLE;
      if (out === undefined && item !== v) out = value.slice(0, i);
      if (out !== undefined) out[i] = item;
    }
    return out ?? value;
  }
  const keys = Object.keys(value);
  let same = isPlain(value);
  for (let i = 1; same && i < keys.length; i++) same = keys[i - 1]! < keys[i]!;
  if (!same) sortStrings(keys);
  let out: Record<string, unknown> | undefined = same ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    const first = k.charCodeAt(0);
    if ((first >= 48 && first <= 57) || k === '__proto__') return UNSORTABLE;
    const item = sortedCopy(v);
    if (item === UNSORTABLE) return UNSORTABLE;
    if (out === undefined && item !== v) out = copyMembers(value as Record<string, unknown>, keys, i);
    if (out !== undefined) out[k] = item;
  }
  return out ?? value;
}

/** A plain object (or one without prototype): JSON.stringify writes just its own members. */
function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A new object with the defined members of `keys[0..end)` (which need no change). */
function copyMembers(value: Record<string, unknown>, keys: string[], end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < end; i++) {
    const v = value[keys[i]!];
    if (v !== undefined) out[keys[i]!] = v;
  }
  return out;
}

/**
 * `strings.sort()` (code unit order), in place. Short lists, such as a schema node's keys, are sorted by
 * insertion: Array.prototype.sort costs ~0.5 µs and allocates ~0.5-0.9 KB per call, which over a whole
 * catalog added up to 15 MB of garbage and ~15 ms.
 */
export function sortStrings(strings: string[]): string[] {
  if (strings.length > 16) return strings.sort();
  for (let i = 1; i < strings.length; i++) {
    const s = strings[i]!;
    let j = i - 1;
    for (; j >= 0 && strings[j]! > s; j--) strings[j + 1] = strings[j]!;
    strings[j + 1] = s;
  }
  return strings;
}

/** stableStringify written out in full: the reference for the rare values sortedCopy cannot hold. */
export function slowStableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    const parts = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) parts[i] = slowStableStringify(value[i]);
    return `[${parts.join(',')}]`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = value[k];
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${slowStableStringify(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
