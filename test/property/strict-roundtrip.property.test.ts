/**
 * Round trip of the strict encoding: for any arguments valid under a tool's own schema, encoding them for the strict
 * schema gives arguments that schema accepts, and routing those back (toMcpCall: decode, drop strict-mode nulls,
 * check) gives exactly the arguments we started from. On generated schemas full of what strict mode cannot say
 * (free-form objects, maps, any values, arrays without items, tuples, open objects, unions of these, type-less
 * roots), and on every tool of the published servers in fixtures/tools (SOURCES.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValidatorFactory } from '../../src/adapter/validate-args.js';
import { buildFunctionTools } from '../../src/functions/build-tools.js';
import { encodeArguments } from '../../src/functions/codec.js';
import { toMcpCall } from '../../src/functions/route-call.js';
import type { CatalogTool, ToolCatalog } from '../../src/mcp/catalog.js';
import { normalizeSchema } from '../../src/openapi/schema.js';
import { valuesOf } from '../helpers/schema-values.js';
import { REAL_SERVERS } from '../helpers/real-servers.js';

type S = Record<string, unknown>;
type Def = { name: string; parameters: S; strict: boolean };

const root = fileURLToPath(new URL('../../', import.meta.url));
const strictAjv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
/** The tool-side validator, as toMcpCall's: one ajv for the whole file (a new one per schema costs more than the test). */
const compileOwn = createValidatorFactory();

/** A tool's strict function, its codec, and the validators on both sides. */
function prepare(tool: CatalogTool) {
  const catalog: ToolCatalog = { server: { name: 's', version: '1' }, tools: [tool] };
  const built = buildFunctionTools(catalog, { api: 'responses', strict: true });
  const def = built.tools[0] as unknown as Def;
  const own = compileOwn(normalizeSchema(tool.inputSchema, { tool: tool.name }).schema);
  return { catalog, built, def, own, strictValidate: def.strict ? strictAjv.compile(def.parameters) : undefined };
}

/**
 * Encodes, checks the strict schema takes it, routes it back through the JSON the model would send. toMcpCall's own
 * check is off here: every value was checked against the tool's schema before (compiling it twice costs the most).
 */
function roundTrip(p: ReturnType<typeof prepare>, value: Record<string, unknown>): Record<string, unknown> {
  const codec = Object.hasOwn(p.built.encoded, p.def.name) ? p.built.encoded[p.def.name]! : {};
  const encoded = encodeArguments(codec, p.def.parameters, value);
  const validate = p.strictValidate as ValidateFunction;
  expect(validate(encoded), `strict schema refused ${JSON.stringify(encoded)}: ${strictAjv.errorsText(validate.errors)}`).toBe(true);
  return toMcpCall(p.catalog, p.built.nameMap, p.def.name, JSON.stringify(encoded), { encoded: p.built.encoded, validate: false }).arguments;
}

const name = fc.constantFrom('a', 'b', 'city', 'note', 'x-y', 'constructor');
const leaf: fc.Arbitrary<S | boolean> = fc.oneof(
  fc.record({ type: fc.constant('string'), minLength: fc.option(fc.nat(3), { nil: undefined }), format: fc.option(fc.constantFrom('date', 'uuid', 'email'), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constantFrom('number', 'integer'), minimum: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.constant({ type: 'boolean' }),
  fc.record({ enum: fc.uniqueArray(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { minLength: 1, maxLength: 4 }) }),
  fc.constant({ const: 'on' }),
  fc.constant({ type: ['string', 'null'] }),
  // what strict mode cannot say
  fc.constant({}),
  fc.constant(true),
  fc.constant({ type: 'object', description: 'Free-form.' }),
  fc.constant({ type: 'object', additionalProperties: true }),
  fc.constant({ type: 'object', properties: {}, additionalProperties: {} }),
  fc.constant({ type: ['object', 'null'] }),
  fc.constant({ type: 'array', minItems: 1 }),
  fc.constant({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }),
);

const { schema } = fc.letrec<{ schema: S | boolean; object: S }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('object'),
    fc.record({ type: fc.constant('array'), items: tie('schema') }),
    fc.record({ type: fc.constant('object'), additionalProperties: tie('schema') }),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ allOf: fc.array(tie('object'), { minLength: 1, maxLength: 2 }) }),
  ),
  object: fc
    .tuple(fc.dictionary(name, tie('schema'), { maxKeys: 3, noNullPrototype: true }), fc.boolean(), fc.constantFrom(undefined, false, true, { type: 'integer' }))
    .map(([properties, allRequired, additional]) => ({
      type: 'object',
      properties,
      required: allRequired ? Object.keys(properties) : Object.keys(properties).slice(0, 1),
      ...(additional === undefined ? {} : { additionalProperties: additional }),
    })),
}));

const rootSchema: fc.Arbitrary<S> = fc.oneof(
  fc.tuple(fc.dictionary(name, schema, { minKeys: 1, maxKeys: 4, noNullPrototype: true }), fc.constantFrom(undefined, true, { type: 'string' })).map(([properties, additional]) => ({
    type: 'object',
    properties,
    required: Object.keys(properties).slice(0, 2),
    ...(additional === undefined ? {} : { additionalProperties: additional }),
  })),
  fc.constant({ $schema: 'http://json-schema.org/draft-07/schema#' }),
  fc.constant({ type: 'object', additionalProperties: { type: 'number' } }),
  fc.constant({ anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'object' } }, required: ['b'] }] }),
);

describe('strict encoding round trip (property)', () => {
  it('generated schemas: valid arguments → encode → strict schema accepts → decode → the same arguments', () => {
    let checked = 0;
    let encodedTools = 0;
    fc.assert(
      fc.property(
        rootSchema.chain((s) => fc.tuple(fc.constant(s), fc.array(valuesOf(s, s), { minLength: 1, maxLength: 3 }))),
        ([inputSchema, values]) => {
          const p = prepare({ name: 't', inputSchema });
          // every generated shape is strict now: only a schema with contradictory allOf branches may fall back
          if (!p.def.strict) {
            expect(p.built.notes.some((n) => n.code === 'strict-fallback')).toBe(true);
            return;
          }
          if (Object.keys(p.built.encoded).length) encodedTools++;
          for (const raw of values) {
            const value = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
            // the generator aims, the tool's schema decides (and arguments are an object)
            if (typeof value !== 'object' || value === null || Array.isArray(value) || p.own.validate(value) !== undefined) continue;
            checked++;
            expect(roundTrip(p, value)).toEqual(value);
          }
        },
      ),
      { numRuns: 200, seed: 20261206 },
    );
    // the property must be exercised, on tools that do encode
    expect(checked).toBeGreaterThan(150);
    expect(encodedTools).toBeGreaterThan(100);
  }, 120_000);

  it('an optional property that accepts null, left out, comes back as null (strict mode sends every property)', () => {
    const p = prepare({ name: 't', inputSchema: { type: 'object', properties: { a: { type: ['string', 'null'] }, f: { type: 'object' } } } });
    expect(roundTrip(p, {})).toEqual({ a: null });
    expect(roundTrip(p, { a: null, f: {} })).toEqual({ a: null, f: {} });
  });
});

describe('strict encoding round trip on the published servers', () => {
  // the tools whose strict arguments are encoded (the others are the plain strict conversion, tested elsewhere)
  const tools = REAL_SERVERS.flatMap(([fixture]) => {
    const catalog = JSON.parse(readFileSync(`${root}fixtures/tools/${fixture}.json`, 'utf8')) as ToolCatalog;
    const { encoded, nameMap } = buildFunctionTools(catalog, { api: 'responses', strict: true });
    const names = new Set(Object.keys(encoded).map((fn) => nameMap[fn]));
    return catalog.tools.filter((t) => names.has(t.name)).map((t) => [`${fixture} ${t.name}`, t] as const);
  });

  it(`every tool that takes encoded arguments (${tools.length}): valid arguments come back exactly`, () => {
    expect(tools).toHaveLength(REAL_SERVERS.reduce((n, [, , encoded]) => n + encoded, 0));
    let checked = 0;
    for (const [label, tool] of tools) {
      const p = prepare(tool);
      expect(p.def.strict, label).toBe(true);
      fc.assert(
        fc.property(valuesOf(tool.inputSchema, tool.inputSchema), (raw) => {
          const value = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
          if (p.own.validate(value) !== undefined) return;
          checked++;
          expect(roundTrip(p, value), label).toEqual(value);
        }),
        { numRuns: 5, seed: 7 },
      );
    }
    expect(checked).toBeGreaterThan(tools.length * 3);
  }, 120_000);
});
