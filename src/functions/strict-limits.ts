/**
 * Strict-mode size limits: at most 10 levels of object/array nesting, 5000 object properties and 1000 enum
 * values per schema. Local `$ref`s are followed once per path (recursive schemas count one round). Pure.
 * @see https://platform.openai.com/docs/guides/structured-outputs#objects-have-limitations-on-nesting-depth-and-size
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isObject, resolveLocalRef, STRICT_LIMITS, typesOf } from './strict-keywords.js';

export interface LimitProblem {
  code: 'strict-limit-depth' | 'strict-limit-properties' | 'strict-limit-enum';
  message: string;
}

export interface SchemaSize {
  depth: number;
  properties: number;
  enumValues: number;
}

/** Measures a schema: deepest nesting (root object = 1), properties and enum values (definitions counted once). */
export function measureSchema(root: JsonSchema): SchemaSize {
  let properties = 0;
  let enumValues = 0;
  const countAll = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(countAll);
    if (!isObject(node)) return;
    if (isObject(node.properties)) properties += Object.keys(node.properties).length;
    if (Array.isArray(node.enum)) enumValues += node.enum.length;
    for (const [key, value] of Object.entries(node)) if (key !== 'enum' && key !== 'const' && key !== 'default') countAll(value);
  };
  countAll(root);

  const depthOf = (node: unknown, refs: ReadonlySet<string>): number => {
    if (!isObject(node)) return 0;
    if (typeof node.$ref === 'string') {
      if (refs.has(node.$ref)) return 0;
      return depthOf(resolveLocalRef(root, node.$ref), new Set([...refs, node.$ref]));
    }
    const nests = typesOf(node).some((t) => t === 'object' || t === 'array') || isObject(node.properties);
    let deepest = 0;
    if (isObject(node.properties)) for (const child of Object.values(node.properties)) deepest = Math.max(deepest, depthOf(child, refs));
    if (node.items !== undefined) deepest = Math.max(deepest, depthOf(node.items, refs));
    let own = deepest + (nests ? 1 : 0);
    // a union is not a level of its own: its branches sit at the same level
    if (Array.isArray(node.anyOf)) for (const b of node.anyOf) own = Math.max(own, depthOf(b, refs));
    return own;
  };
  return { depth: depthOf(root, new Set()), properties, enumValues };
}

export function checkStrictLimits(schema: JsonSchema): LimitProblem[] {
  const size = measureSchema(schema);
  const problems: LimitProblem[] = [];
  if (size.depth > STRICT_LIMITS.maxDepth) {
    problems.push({ code: 'strict-limit-depth', message: `nesting depth ${size.depth} exceeds the strict-mode limit of ${STRICT_LIMITS.maxDepth}` });
  }
  if (size.properties > STRICT_LIMITS.maxProperties) {
    problems.push({ code: 'strict-limit-properties', message: `${size.properties} object properties exceed the strict-mode limit of ${STRICT_LIMITS.maxProperties}` });
  }
  if (size.enumValues > STRICT_LIMITS.maxEnumValues) {
    problems.push({ code: 'strict-limit-enum', message: `${size.enumValues} enum values exceed the strict-mode limit of ${STRICT_LIMITS.maxEnumValues}` });
  }
  return problems;
}
