/**
 * Which strict encoding a schema node gets (see codec.ts), decided on the node itself, and whether anything below
 * a node needs one (an `anyOf` with such a branch is sent whole as JSON: a branch sent as a string could not be
 * told apart from a string branch). The converter and this predicate share `classify`, so they cannot disagree.
 * Pure.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { ANNOTATION_KEYWORDS, isObject, resolveLocalRef, typesOf } from './strict-keywords.js';

/**
 * - plain: strict mode can say it (its children may still be encoded);
 * - json: the whole value as a string holding JSON (free-form object, any value, tuple, a union with one of these);
 * - entries: a map whose values have a schema strict mode can hold the model to, as `{ key, value }` pairs;
 * - extra: an object with declared properties that allows others too (or the root, which must stay an object):
 *   the declared ones as they are, the others in one more property.
 */
export type Shape = 'plain' | 'json' | 'entries' | 'extra';

/** Turns a raw node into the form `classify` reads (allOf merged, oneOf as anyOf, types inferred). */
export type Prepare = (node: JsonSchema) => JsonSchema;

/** A schema that accepts any value: `true`, `{}`, or annotations only. */
export function isAny(schema: unknown): boolean {
  return schema === true || (isObject(schema) && Object.keys(schema).every((k) => ANNOTATION_KEYWORDS.has(k) || k === 'description' || k === 'title' || k === 'default' || k.startsWith('x-')));
}

/** Declared property names, with the required ones `properties` forgot (they are added as "any value"). */
export function declaredNames(node: JsonSchema): string[] {
  const names = isObject(node.properties) ? Object.keys(node.properties) : [];
  const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
  return [...names, ...required.filter((r) => !names.includes(r))];
}

/** The shape of a prepared node (after `Prepare`); `root` nodes can never be sent as a string. */
export function classify(node: JsonSchema, isRoot: boolean, prepare: Prepare, rootSchema: JsonSchema, refs: ReadonlySet<string> = new Set()): Shape {
  if (typeof node.$ref === 'string') return 'plain';
  if (Array.isArray(node.anyOf)) {
    return node.anyOf.some((branch) => needsEncoding(branch, prepare, rootSchema, refs)) ? 'json' : 'plain';
  }
  const types = typesOf(node);
  if (types.length === 0) return 'json';
  if (types.includes('object')) {
    const declared = declaredNames(node).length > 0;
    const extra = node.additionalProperties;
    const open = (extra !== undefined && extra !== false) || node.patternProperties !== undefined;
    if (declared) return open ? 'extra' : 'plain';
    if (!open) return isRoot || extra === false ? 'plain' : 'json';
    if (isRoot) return 'extra';
    return typedValues(node, prepare, rootSchema, refs) ? 'entries' : 'json';
  }
  if (types.includes('array') && (Array.isArray(node.items) || node.prefixItems !== undefined)) return 'json';
  return 'plain';
}

/** A map (`additionalProperties: <schema>`, no pattern keys) whose values strict mode can describe at their top. */
export function typedValues(node: JsonSchema, prepare: Prepare, rootSchema: JsonSchema, refs: ReadonlySet<string> = new Set()): boolean {
  const extra = node.additionalProperties;
  if (node.patternProperties !== undefined || !isObject(extra) || isAny(extra)) return false;
  return classify(prepare(extra), false, prepare, rootSchema, refs) !== 'json';
}

/** True when the node or anything below it (through local $refs, each once per path) gets an encoding. */
export function needsEncoding(raw: unknown, prepare: Prepare, rootSchema: JsonSchema, refs: ReadonlySet<string>): boolean {
  if (raw === true) return true;
  if (!isObject(raw)) return false;
  const node = prepare(raw);
  if (typeof node.$ref === 'string') {
    if (refs.has(node.$ref)) return false;
    const target = resolveLocalRef(rootSchema, node.$ref);
    const { $ref, ...siblings } = node;
    return target !== undefined && needsEncoding({ ...target, ...siblings }, prepare, rootSchema, new Set([...refs, $ref as string]));
  }
  if (classify(node, false, prepare, rootSchema, refs) !== 'plain') return true;
  if (isObject(node.properties) && Object.values(node.properties).some((p) => needsEncoding(p, prepare, rootSchema, refs))) return true;
  if (declaredNames(node).length > (isObject(node.properties) ? Object.keys(node.properties).length : 0)) return true;
  if (typesOf(node).includes('array') && (node.items === undefined || needsEncoding(node.items, prepare, rootSchema, refs))) return true;
  return false;
}
