/**
 * ChatGPT's own schema rules, applied to every emitted schema: an object schema needs `properties`
 * ("object schema missing properties"), an array needs `items` (`items: false` becomes a `maxItems` bound), and `true` subschemas become `{}`.
 * Constraints are never removed.
 * @see platform-facts.md "bare `type: object` without properties -> object schema missing properties"
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isObject, mapSubschemas, type SchemaNode } from './walk.js';

function hasType(node: JsonSchema, type: string): boolean {
  return node.type === type || (Array.isArray(node.type) && node.type.includes(type));
}

/** Adds `properties: {}` / `items: {}` where ChatGPT needs them, recursively. */
export function applyGptSchemaRules(schema: SchemaNode): SchemaNode {
  if (!isObject(schema)) return schema;
  const out = mapSubschemas(schema, (sub, pos) => {
    // `additionalProperties: true|false`, `items: false` … are meaningful booleans: keep them
    if (sub === true && ['properties', 'patternProperties', 'prefixItems', 'allOf', 'anyOf', 'oneOf'].includes(pos.keyword)) return {};
    return applyGptSchemaRules(sub);
  });
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
