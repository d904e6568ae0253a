/**
 * ChatGPT's own schema rules, applied to every emitted schema: an object schema needs `properties`
 * ("object schema missing properties"), an array needs `items` (`items: false` becomes a `maxItems` bound), and `true` subschemas become `{}`.
 * Constraints are never removed.
 * @see platform-facts.md "bare `type: object` without properties -> object schema missing properties"
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isObject, mapSubschemas, updateSubschemas, type SchemaNode } from './walk.js';

/** Keywords where a `true` subschema becomes `{}`; `additionalProperties: true|false`, `items: false` … are meaningful booleans: kept. */
const TRUE_TO_EMPTY = new Set(['properties', 'patternProperties', 'prefixItems', 'allOf', 'anyOf', 'oneOf']);

function hasType(node: JsonSchema, type: string): boolean {
  return node.type === type || (Array.isArray(node.type) && node.type.includes(type));
}

/** Adds `properties: {}` / `items: {}` where ChatGPT needs them, recursively, on a copy. */
export function applyGptSchemaRules(schema: SchemaNode): SchemaNode {
  if (!isObject(schema)) return schema;
  const out = mapSubschemas(schema, (sub, pos) => {
    if (sub === true && TRUE_TO_EMPTY.has(pos.keyword)) return {};
    return applyGptSchemaRules(sub);
  });
  return applyNodeRules(out);
}

/** The same rules, applied to the nodes themselves: for a schema the caller owns (a private copy). */
export function applyGptSchemaRulesInPlace(schema: SchemaNode): SchemaNode {
  if (!isObject(schema)) return schema;
  updateSubschemas(schema, inPlaceChild);
  return applyNodeRules(schema);
}

function inPlaceChild(sub: SchemaNode, keyword: string): SchemaNode {
  if (sub === true && TRUE_TO_EMPTY.has(keyword)) return {};
  return applyGptSchemaRulesInPlace(sub);
}

/** The rules of one node whose subschemas are done; changes and returns `out`. */
function applyNodeRules(out: JsonSchema): JsonSchema {
  if (hasType(out, 'object') && !isObject(out.properties)) out.properties = {};
  if (out.items === false) {
    // "no more items" as a length bound, which every importer understands
    const max = Array.isArray(out.prefixItems) ? out.prefixItems.length : 0;
    out.maxItems = typeof out.maxItems === 'number' ? Math.min(out.maxItems, max) : max;
    out.items = {};
  }
  if (hasType(out, 'array') && out.items === undefined) out.items = {};
  return out;
}
