/**
 * fast-check values for a JSON Schema: arguments a tool accepts, for round-trip properties. Covers the keywords
 * tool schemas use (types, properties/required, additionalProperties, patternProperties, items/prefixItems, enum,
 * const, anyOf/oneOf/allOf, local $refs, string formats and patterns, numeric bounds). What it cannot aim at exactly
 * (allOf conflicts, oneOf exclusivity, uniqueItems …) the caller filters with a validator.
 *
 * One rule on purpose: an optional property that also accepts null is never left out (it is present, null or not).
 * Strict mode sends every property, so "left out" and null cannot be told apart for such a property; that one case
 * is tested on its own.
 */
import fc from 'fast-check';

type S = Record<string, unknown>;
const isObject = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);
const ANNOTATIONS = new Set(['description', 'title', '$schema', '$id', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);

/** Bounded any-JSON (no -0: JSON has none). */
export const jsonValue = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const keyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'a/b', 'x~y'));

/**
 * Values of `schema`; `root` resolves its $refs. At the root of a tool (depth 0) an object that says nothing of
 * other properties takes none (a `{"type": "object"}` tool takes no arguments), and a schema without a type is
 * an object with any keys (how mcp-actions reads server-gitlab's `{"$schema": …}`); deeper, `{"type": "object"}`
 * is a free-form object.
 */
export function valuesOf(schema: unknown, root: S, depth = 0): fc.Arbitrary<unknown> {
  if (depth === 0 && isObject(schema) && Object.keys(schema).every((k) => ANNOTATIONS.has(k))) return objects({ type: 'object', additionalProperties: true }, root, 0);
  if (schema === true) return jsonValue;
  if (!isObject(schema)) return fc.constant(null);
  if (typeof schema.$ref === 'string') {
    const target = resolve(root, schema.$ref);
    const { $ref: _r, ...rest } = schema;
    return target === undefined ? jsonValue : valuesOf({ ...target, ...rest }, root, depth + 1);
  }
  if (Array.isArray(schema.allOf)) return valuesOf(mergeAll(schema, root), root, depth);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length) {
      const { [key]: _b, ...rest } = schema;
      return fc.oneof(...branches.map((b) => valuesOf(isObject(b) ? { ...rest, ...b } : b, root, depth + 1)));
    }
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  let types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : [];
  if (schema.nullable === true) types = [...types, 'null'];
  if (types.length === 0) {
    if (isObject(schema.properties) || schema.additionalProperties !== undefined || schema.patternProperties !== undefined) types = ['object'];
    else if (schema.items !== undefined || schema.prefixItems !== undefined) types = ['array'];
    else return jsonValue;
  }
  return fc.oneof(...types.map((t) => ofType(t, schema, root, depth)));
}

function ofType(type: string, s: S, root: S, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numbers(type, s);
    case 'string':
      return strings(s);
    case 'array':
      return arrays(s, root, depth);
    case 'object':
      return objects(s, root, depth);
    default:
      return jsonValue;
  }
}

function numbers(type: string, s: S): fc.Arbitrary<number> {
  const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (type === 'integer' ? 1 : 0.001) : -1e6;
  const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (type === 'integer' ? 1 : 0.001) : 1e6;
  const min = Math.max(lo, -1e9);
  const max = Math.min(hi, 1e9);
  if (typeof s.multipleOf === 'number') {
    const m = s.multipleOf;
    return fc.integer({ min: Math.ceil(min / m), max: Math.max(Math.ceil(min / m), Math.floor(max / m)) }).map((k) => Number((k * m).toPrecision(12)) + 0);
  }
  if (type === 'integer') return fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) });
  return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
}

function strings(s: S): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Math.max(minLength, 12);
  if (typeof s.pattern === 'string') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(s.pattern, 'u');
    } catch {
      return fc.string({ minLength, maxLength });
    }
    return fc.stringMatching(pattern).filter((v) => v.length >= minLength && v.length <= maxLength);
  }
  switch (s.format) {
    case 'date-time':
      return fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
    default:
      return fc.string({ minLength, maxLength });
  }
}

function arrays(s: S, root: S, depth: number): fc.Arbitrary<unknown[]> {
  const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
  const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, depth > 3 ? minLength : 3);
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  if (tuple) return fc.tuple(...tuple.map((t) => valuesOf(t, root, depth + 1)));
  const items = s.items === undefined || s.items === true ? jsonValue : valuesOf(s.items, root, depth + 1);
  return fc.array(items, { minLength, maxLength: Math.max(minLength, maxLength) });
}

function objects(s: S, root: S, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = isObject(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [name, sub] of Object.entries(props)) {
    const always = required.has(name) || acceptsNull(sub, root);
    // deep in a recursive schema, only what must be there
    if (depth > 5 && !always) continue;
    Object.defineProperty(parts, name, { value: valuesOf(sub, root, depth + 1), enumerable: true, configurable: true, writable: true });
    if (always) requiredKeys.push(name);
  }
  for (const name of required) {
    if (!Object.hasOwn(parts, name)) {
      Object.defineProperty(parts, name, { value: jsonValue, enumerable: true, configurable: true, writable: true });
      requiredKeys.push(name);
    }
  }
  const declared = fc.record(parts, { requiredKeys });
  const extraSchema = s.additionalProperties;
  const declaresAny = Object.keys(props).length > 0;
  // an object that declares properties and says nothing of others takes the declared ones (the strict convention)
  const open = extraSchema === undefined ? !declaresAny && s.patternProperties === undefined && depth > 0 : extraSchema !== false;
  const pattern = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
  const extras: fc.Arbitrary<Record<string, unknown>>[] = [];
  if (open && depth <= 4) {
    const values = extraSchema === undefined || extraSchema === true ? jsonValue : valuesOf(extraSchema, root, depth + 1);
    const keys = isObject(s.propertyNames) && typeof s.propertyNames.pattern === 'string' ? fc.stringMatching(new RegExp(s.propertyNames.pattern, 'u')) : keyArb;
    extras.push(fc.dictionary(keys.filter((k) => !Object.hasOwn(props, k)), values, { maxKeys: 3, noNullPrototype: true }));
  }
  for (const [p, sub] of pattern) {
    extras.push(fc.dictionary(fc.stringMatching(new RegExp(p, 'u')).filter((k) => !Object.hasOwn(props, k)), valuesOf(sub, root, depth + 1), { maxKeys: 2, noNullPrototype: true }));
  }
  return fc.tuple(declared, ...extras).map(([own, ...more]) => {
    const out: Record<string, unknown> = {};
    for (const m of more) for (const [k, v] of Object.entries(m)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    for (const [k, v] of Object.entries(own as Record<string, unknown>)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    return out;
  });
}

/** True when null is a valid value of the schema (checked loosely: types, enum, const, union branches). */
export function acceptsNull(schema: unknown, root: S, seen: ReadonlySet<string> = new Set()): boolean {
  if (schema === true) return true;
  if (!isObject(schema)) return false;
  if (typeof schema.$ref === 'string') {
    if (seen.has(schema.$ref)) return false;
    const target = resolve(root, schema.$ref);
    return target !== undefined && acceptsNull(target, root, new Set([...seen, schema.$ref]));
  }
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  if ('const' in schema) return schema.const === null;
  if (schema.nullable === true) return true;
  const t = schema.type;
  if (t !== undefined) return t === 'null' || (Array.isArray(t) && t.includes('null'));
  for (const key of ['anyOf', 'oneOf'] as const) if (Array.isArray(schema[key])) return (schema[key] as unknown[]).some((b) => acceptsNull(b, root, seen));
  if (Array.isArray(schema.allOf)) return (schema.allOf as unknown[]).every((b) => acceptsNull(b, root, seen));
  return !(isObject(schema.properties) || schema.additionalProperties !== undefined || schema.items !== undefined) || Object.keys(schema).every((k) => ANNOTATIONS.has(k));
}

function resolve(root: S, ref: string): S | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/** allOf → one schema: properties and required united, the rest of each branch laid over (the validator filters). */
function mergeAll(schema: S, root: S): S {
  const { allOf, ...rest } = schema;
  let out: S = { ...rest };
  for (const raw of allOf as unknown[]) {
    const found: unknown = isObject(raw) && typeof raw.$ref === 'string' ? resolve(root, raw.$ref) ?? {} : raw;
    if (!isObject(found)) continue;
    let branch: S = found;
    if (Array.isArray(branch.allOf)) branch = mergeAll(branch, root);
    const properties = { ...(isObject(out.properties) ? out.properties : {}), ...(isObject(branch.properties) ? branch.properties : {}) };
    const required = [...new Set([...(Array.isArray(out.required) ? out.required : []), ...(Array.isArray(branch.required) ? branch.required : [])])];
    out = { ...out, ...branch, properties, required };
  }
  return out;
}
