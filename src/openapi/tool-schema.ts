/**
 * One tool's schema on its way into the spec: normalised, rooted in an object (tools/call arguments
 * are always an object), recursion unrolled when the profile needs it.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import type { SpecNote } from './notes.js';
import { unrollRecursion } from './recursion.js';
import { normalizeSchema } from './schema.js';

export interface PrepareOptions {
  tool: string;
  /** 'input' schemas must describe an object. */
  role: 'input' | 'output';
  unroll: boolean;
}

export function prepareToolSchema(schema: JsonSchema, opts: PrepareOptions): { schema: JsonSchema; notes: SpecNote[] } {
  const { schema: normal, notes } = normalizeSchema(schema, { tool: opts.tool });
  let out = inlineRootRef(normal);
  if (opts.role === 'input' && Object.keys(out).length === 0) {
    // no type and nothing else (server-gitlab with zod 4): an object of arguments the server does not describe
    out = { type: 'object', description: 'The server does not describe this tool\'s arguments: send those its description asks for.', additionalProperties: true };
  }
  if (out.type === undefined && out.$ref === undefined) out = { type: 'object', ...out };
  if (opts.unroll) {
    const unrolled = unrollRecursion(out);
    if (unrolled.recursive.length > 0) {
      notes.push({
        tool: opts.tool,
        level: 'warning',
        code: 'recursion-unrolled',
        message: `the recursive ${opts.role} schema ${unrolled.recursive.map((n) => `"${n}"`).join(', ')} is unrolled to ${unrolled.depth} levels (ChatGPT rejects circular schemas); deeper levels accept any value`,
      });
    }
    out = unrolled.schema;
  }
  return { schema: out, notes };
}

/**
 * `{ "$ref": "#/definitions/Args", "definitions": … }` (zod-to-json-schema with a name): the root becomes
 * the referenced definition itself, so the request body describes its properties directly.
 */
function inlineRootRef(schema: JsonSchema): JsonSchema {
  if (typeof schema.$ref !== 'string') return schema;
  const { $ref, $defs, ...rest } = schema;
  if (typeof $ref !== 'string' || !$ref.startsWith('#/$defs/') || Object.keys(rest).length > 0) return schema;
  const target = ($defs as JsonSchema | undefined)?.[$ref.slice('#/$defs/'.length)];
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return schema;
  // normalising again keeps only the definitions still referenced
  return normalizeSchema({ ...(target as JsonSchema), $defs }).schema;
}
