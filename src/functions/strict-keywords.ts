/**
 * What OpenAI's strict mode (Structured Outputs) accepts, keyword by keyword, and what the converter does with
 * the rest. Pure data plus tiny helpers.
 * @see platform-facts.md "Strict mode" and https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from '../mcp/catalog.js';
import type { SpecNote } from '../openapi/notes.js';

/** Notes are the generator's SpecNote (src/openapi/notes.ts): one format on stderr for every command. */
export type FunctionNote = SpecNote;

/** Strict-mode limits (Structured Outputs "Supported schemas"). */
export const STRICT_LIMITS = { maxDepth: 10, maxProperties: 5000, maxEnumValues: 1000 } as const;

/** Keywords kept as they are (their values are literals, not schemas). */
export const KEPT_KEYWORDS = new Set([
  'type', 'description', 'title', 'enum', 'const', '$ref',
  // strings
  'pattern',
  // numbers
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  // arrays
  'minItems', 'maxItems',
]);

/** String formats strict mode supports; any other format is dropped and kept as a hint in the description. */
export const STRICT_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

/** Keywords with no strict equivalent that only constrain: dropped, and said in the description for the model. */
export const HINTED_KEYWORDS: Record<string, (value: unknown) => string | undefined> = {
  default: (v) => `Default: ${JSON.stringify(v)}.`,
  minLength: (v) => `At least ${String(v)} ${v === 1 ? 'character' : 'characters'}.`,
  maxLength: (v) => `At most ${String(v)} ${v === 1 ? 'character' : 'characters'}.`,
  uniqueItems: (v) => (v === true ? 'Items must be unique.' : undefined),
  minProperties: (v) => `At least ${String(v)} ${v === 1 ? 'property' : 'properties'}.`,
  maxProperties: (v) => `At most ${String(v)} ${v === 1 ? 'property' : 'properties'}.`,
  format: (v) => `Format: ${String(v)}.`,
};

/** Conditional and dependency keywords: no strict equivalent at all; dropped with a warning (the server still validates). */
export const CONDITIONAL_KEYWORDS = new Set(['not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'dependencies']);

/** Other validation keywords strict mode rejects; dropped with a note. */
export const DROPPED_KEYWORDS = new Set([
  'patternProperties', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems',
  'contains', 'minContains', 'maxContains', 'contentEncoding', 'contentMediaType', 'contentSchema',
  '$anchor', '$dynamicAnchor', '$dynamicRef', '$recursiveAnchor', '$recursiveRef', 'additionalItems',
]);

/** Pure annotations: dropped silently (they never constrain a value). */
export const ANNOTATION_KEYWORDS = new Set(['$schema', '$id', '$comment', 'examples', 'example', 'readOnly', 'writeOnly', 'deprecated']);

export function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON Pointer of a path, for messages: `#/properties/note/items`. */
export function pointer(path: readonly string[]): string {
  return path.length === 0 ? '#' : `#/${path.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** Types a schema declares, as an array (empty when it declares none). */
export function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** The JSON type of a literal (for enum/const type inference). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Resolves a local `#/$defs/Name` or `#/definitions/Name` pointer (one or more segments) in `root`. */
export function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype instead). */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
