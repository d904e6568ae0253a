/**
 * The generator's schema normaliser, used for every function tool (same dialect handling as the OpenAPI spec).
 * TEMPORARY: only drops $schema/$id until the generator branch (src/openapi/schema.ts normalizeSchema) is merged.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import type { FunctionNote } from './strict-keywords.js';

export function normalizeToolSchema(schema: JsonSchema, _opts: { tool?: string } = {}): { schema: JsonSchema; notes: FunctionNote[] } {
  const { $schema: _s, $id: _i, ...rest } = structuredClone(schema);
  return { schema: rest, notes: [] };
}
