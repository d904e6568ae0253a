/**
 * Optional → nullable, the strict-mode way to say "may be left out": a "null" type in the type array (and a
 * null in the enum), or a `{ type: 'null' }` branch in an `anyOf` when the schema has no type of its own
 * (`$ref`, `anyOf`). Pure.
 * @see https://platform.openai.com/docs/guides/structured-outputs#all-fields-must-be-required
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isObject, typesOf } from './strict-keywords.js';

const NULL_BRANCH: JsonSchema = { type: 'null' };

/** True when the schema already accepts null. */
export function acceptsNull(schema: JsonSchema): boolean {
  if (typesOf(schema).includes('null')) return true;
  if (Array.isArray(schema.anyOf) && schema.anyOf.some((b) => isObject(b) && acceptsNull(b))) return true;
  return false;
}

/** Returns a schema that also accepts null (a new object; the input is not modified). */
export function makeNullable(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    // a $ref's siblings are annotations: keep them on the wrapper
    const { $ref, ...annotations } = schema;
    return { ...annotations, anyOf: [{ $ref }, NULL_BRANCH] };
  }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, NULL_BRANCH] };
  const types = typesOf(schema);
  if (types.length === 0) return schema; // untyped: already reported as unrepresentable
  const out: JsonSchema = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
  if ('const' in schema) {
    out.enum = [schema.const, null];
    delete out.const;
  }
  return out;
}
