/**
 * Property test: for any tool list, the generator returns a spec that swagger-parser validates, that
 * passes ChatGPT's import rules, whose operationIds are unique, whose schemas compile as JSON Schema
 * 2020-12, that keeps every input constraint, and that is byte-identical on a second run.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogTool, JsonSchema, ToolCatalog } from '../../src/mcp/catalog.js';
import { buildSpec, type SpecOptions } from '../../src/openapi/build-spec.js';
import { serializeSpec } from '../../src/openapi/serialize.js';
import { missingConstraints } from '../helpers/constraints.js';
import { gptImportProblems } from '../helpers/gpt-import-rules.js';
import { validateSpec } from '../helpers/swagger.js';

const nameChars = fc.constantFrom(...'abcxyz_-./:ÄéЖ😀 09'.split(''), '😀');
const toolName = fc.string({ unit: nameChars, minLength: 1, maxLength: 128 });
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.lorem({ maxCount: 200, mode: 'sentences' }), fc.string({ maxLength: 1500 }));
const defName = fc.constantFrom('Address', 'Node', 'Error', 'ToolResult', 'Item', 'a/b', 'Page[Item]');

/** A JSON Schema arbitrary: leaves with constraints, objects, arrays, unions, refs into `defs`. */
function schemaArb(defs: string[]) {
  const leaf = fc.oneof(
    fc.record({ type: fc.constant('string'), minLength: fc.nat(5), maxLength: fc.integer({ min: 5, max: 50 }), pattern: fc.constantFrom('^a', '^[0-9]+$'), format: fc.constantFrom('email', 'date-time', 'uri') }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constantFrom('integer', 'number'), minimum: fc.integer({ min: -5, max: 0 }), maximum: fc.integer({ min: 1, max: 99 }), exclusiveMinimum: fc.integer({ min: -10, max: -6 }), multipleOf: fc.constant(1), default: fc.constant(1) }, { requiredKeys: ['type'] }),
    fc.record({ enum: fc.uniqueArray(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 4 }) }),
    fc.record({ const: fc.oneof(fc.string({ maxLength: 5 }), fc.boolean()) }),
    fc.record({ type: fc.constant(['string', 'null']), default: fc.constant(null) }),
    fc.constant({ type: 'object' }),
    fc.constant({ type: 'array' }),
    fc.constant({ type: 'boolean', description: 'x'.repeat(900) }),
    ...(defs.length ? [fc.constantFrom(...defs).map((d) => ({ $ref: `#/$defs/${d}` }))] : []),
  );
  return fc.letrec<{ node: JsonSchema }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record(
        { type: fc.constant('object'), properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 4 }), additionalProperties: fc.boolean(), description: text },
        { requiredKeys: ['type', 'properties'] },
      ),
      fc.record({ type: fc.constant('array'), items: tie('node'), minItems: fc.nat(3), uniqueItems: fc.boolean() }, { requiredKeys: ['type', 'items'] }),
      fc.record({ anyOf: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ oneOf: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    ),
  })).node;
}

const inputSchema: fc.Arbitrary<JsonSchema> = fc.uniqueArray(defName, { maxLength: 3 }).chain((names) =>
  fc.record({
    props: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), schemaArb(names), { maxKeys: 5 }),
    defs: fc.tuple(...names.map(() => schemaArb(names))),
    draft07: fc.boolean(),
  }).map(({ props, defs, draft07 }) => {
    const schema: JsonSchema = { type: 'object', properties: props, required: Object.keys(props).slice(0, 1) };
    if (names.length) {
      const table = Object.fromEntries(names.map((n, i) => [n, defs[i]]));
      if (draft07) {
        schema.definitions = table;
        schema.$schema = 'http://json-schema.org/draft-07/schema#';
        return JSON.parse(JSON.stringify(schema).replaceAll('#/$defs/', '#/definitions/')) as JsonSchema;
      }
      schema.$defs = table;
    }
    return schema;
  }),
);

const toolArb: fc.Arbitrary<CatalogTool> = fc.record(
  {
    name: toolName,
    title: fc.string({ maxLength: 400 }),
    description: text,
    inputSchema,
    annotations: fc.record({ readOnlyHint: fc.boolean(), title: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
    outputSchema: fc.constant({ type: 'object', properties: { ok: { type: 'boolean' } } }),
  },
  { requiredKeys: ['name', 'inputSchema'] },
);

const catalogArb: fc.Arbitrary<ToolCatalog> = fc
  .uniqueArray(toolArb, { selector: (t) => t.name, maxLength: 36 })
  .map((tools) => ({ server: { name: 'prop', version: '0.1.0', instructions: 'Instructions. '.repeat(30) }, tools }));

const optionsArb: fc.Arbitrary<Partial<SpecOptions>> = fc.record({
  auth: fc.constantFrom({ type: 'none' as const }, { type: 'bearer' as const }, { type: 'api-key' as const }),
  consequential: fc.constantFrom('annotations' as const, 'all' as const, 'none' as const),
  profile: fc.constantFrom('gpt-actions' as const, 'gpt-actions' as const, 'generic' as const),
}).chain((o) => (o.profile === 'generic' ? fc.constantFrom('3.1' as const, '3.0' as const).map((openapiVersion) => ({ ...o, openapiVersion })) : fc.constant(o)));

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });

describe('buildSpec over generated tool lists', () => {
  it('always yields a valid, importable, faithful, deterministic spec', async () => {
    await fc.assert(
      fc.asyncProperty(catalogArb, optionsArb, async (catalog, options) => {
        const opts: SpecOptions = { serverUrl: 'https://api.example.com', overflow: 'generic', ...options };
        const { spec, operations: all } = buildSpec(catalog, opts);
        await validateSpec(spec);
        // get_job (jobs are on by default) is the adapter's own operation, not a tool's
        const operations = all.filter((o) => o.kind !== 'job');
        expect(all.length - operations.length).toBe(1);
        const ids = all.map((o) => o.operationId);
        expect(new Set(ids).size).toBe(ids.length);
        // byte-identical on a second run
        expect(serializeSpec(buildSpec(structuredClone(catalog), opts).spec, 'yaml')).toBe(serializeSpec(spec, 'yaml'));
        if (opts.profile === 'generic') {
          expect(operations.length).toBe(catalog.tools.length);
          if (opts.openapiVersion === '3.0') return; // 3.0 rewrites constraints into its own idioms
        } else {
          expect(gptImportProblems(spec)).toEqual([]);
          expect(all.length).toBe(Math.min(catalog.tools.length + 1, 30));
        }
        // every schema is valid JSON Schema 2020-12, refs included
        const doc = { $id: `urn:spec:${Math.random()}`, components: spec.components };
        ajv.addSchema(doc);
        for (const o of operations) {
          const body = (spec.paths![o.path]!.post!.requestBody as any).content['application/json'].schema;
          expect(() => ajv.compile({ ...body, $id: `${doc.$id}:${o.operationId}`, components: spec.components })).not.toThrow();
        }
        ajv.removeSchema(doc.$id);
        // every constraint of every exposed tool is still there
        const exposed = new Set(operations.map((o) => o.toolName));
        for (const t of catalog.tools.filter((x) => exposed.has(x.name))) expect(missingConstraints(t.inputSchema, spec), t.name).toEqual([]);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 30), seed: Number(process.env.FC_SEED ?? 20261121) },
    );
  }, 120_000);
});
