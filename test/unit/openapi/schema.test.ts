import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/mcp/catalog.js';
import { normalizeSchema } from '../../../src/openapi/schema.js';

const cases: [string, { given: JsonSchema; want: JsonSchema }][] = [
  ['drops $schema and $id', { given: { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'urn:x', type: 'object', properties: { a: { $id: '#a', type: 'string' } } }, want: { type: 'object', properties: { a: { type: 'string' } } } }],
  ['definitions → $defs, refs rewritten', { given: { type: 'object', definitions: { A: { type: 'string' } }, properties: { a: { $ref: '#/definitions/A' } } }, want: { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } } } }],
  ['boolean exclusiveMinimum true → numeric', { given: { type: 'integer', minimum: 0, exclusiveMinimum: true }, want: { type: 'integer', exclusiveMinimum: 0 } }],
  ['boolean exclusiveMaximum false → dropped, maximum kept', { given: { type: 'number', maximum: 9, exclusiveMaximum: false }, want: { type: 'number', maximum: 9 } }],
  ['dependencies → dependentRequired + dependentSchemas', { given: { type: 'object', dependencies: { a: ['b'], c: { required: ['d'] } } }, want: { type: 'object', dependentRequired: { a: ['b'] }, dependentSchemas: { c: { required: ['d'] } } } }],
  ['tuple items → prefixItems, additionalItems → items', { given: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false }, want: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false } }],
  ['keeps every constraint as is', { given: { type: 'string', enum: ['a', 'b'], const: 'a', format: 'email', pattern: '^a', minLength: 1, maxLength: 5, default: 'a', examples: ['a'] }, want: { type: 'string', enum: ['a', 'b'], const: 'a', format: 'email', pattern: '^a', minLength: 1, maxLength: 5, default: 'a', examples: ['a'] } }],
  ['keeps unions and nullable type arrays', { given: { anyOf: [{ type: ['string', 'null'] }, { oneOf: [{ const: 1 }, { const: 2 }] }], allOf: [{ minProperties: 1 }] }, want: { anyOf: [{ type: ['string', 'null'] }, { oneOf: [{ const: 1 }, { const: 2 }] }], allOf: [{ minProperties: 1 }] } }],
  ['OpenAPI 3.0 nullable → type array', { given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } }],
  ['never descends into data keywords', { given: { type: 'object', default: { $ref: 'file:///x', definitions: 1 }, enum: [{ $schema: 'x' }] }, want: { type: 'object', default: { $ref: 'file:///x', definitions: 1 }, enum: [{ $schema: 'x' }] } }],
  ['a property named like a keyword stays', { given: { type: 'object', properties: { $ref: { type: 'string' }, definitions: { type: 'string' } } }, want: { type: 'object', properties: { $ref: { type: 'string' }, definitions: { type: 'string' } } } }],
  ['pointer into properties → materialised $defs entry', { given: { type: 'object', properties: { a: { type: 'string', minLength: 2 }, b: { $ref: '#/properties/a' } } }, want: { type: 'object', properties: { a: { type: 'string', minLength: 2 }, b: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string', minLength: 2 } } } }],
  ['root ref # → Root definition', { given: { type: 'object', properties: { next: { $ref: '#' } } }, want: { type: 'object', properties: { next: { $ref: '#/$defs/Root' } }, $defs: { Root: { type: 'object', properties: { next: { $ref: '#/$defs/Root' } } } } } }],
  ['anchor ref', { given: { type: 'object', $defs: { X: { $anchor: 'thing', type: 'integer' } }, properties: { a: { $ref: '#thing' } } }, want: { type: 'object', properties: { a: { $ref: '#/$defs/thing' } }, $defs: { thing: { type: 'integer' } } } }],
  ['absolute ref into the own $id is local', { given: { $id: 'https://x.dev/s.json', type: 'object', definitions: { A: { type: 'boolean' } }, properties: { a: { $ref: 'https://x.dev/s.json#/definitions/A' } } }, want: { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'boolean' } } } }],
  ['escaped pointer segments', { given: { type: 'object', $defs: { 'a/b': { type: 'string' }, 'c~d': { type: 'number' } }, properties: { x: { $ref: '#/$defs/a~1b' }, y: { $ref: '#/$defs/c~0d' } } }, want: { type: 'object', properties: { x: { $ref: '#/$defs/a_b' }, y: { $ref: '#/$defs/c_d' } }, $defs: { a_b: { type: 'string' }, c_d: { type: 'number' } } } }],
  ['nested $defs reached by pointer', { given: { type: 'object', $defs: { Outer: { $defs: { Inner: { type: 'null' } }, type: 'object' } }, properties: { i: { $ref: '#/$defs/Outer/$defs/Inner' } } }, want: { type: 'object', properties: { i: { $ref: '#/$defs/Inner' } }, $defs: { Inner: { type: 'null' } } } }],
  ['same last segment twice → suffixed', { given: { type: 'object', $defs: { A: { type: 'string' }, B: { $defs: { A: { type: 'number' } } } }, properties: { x: { $ref: '#/$defs/A' }, y: { $ref: '#/$defs/B/$defs/A' } } }, want: { type: 'object', properties: { x: { $ref: '#/$defs/A' }, y: { $ref: '#/$defs/A_2' } }, $defs: { A: { type: 'string' }, A_2: { type: 'number' } } } }],
  ['unreferenced definitions are dropped', { given: { type: 'object', $defs: { Unused: { type: 'string' } }, properties: {} }, want: { type: 'object', properties: {} } }],
];

describe('normalizeSchema', () => {
  it.each(cases)('%s', (_name, { given, want }) => {
    const { schema, notes } = normalizeSchema(given, { tool: 't' });
    expect(schema).toEqual(want);
    expect(notes).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', 'external-ref'],
    ['http://example.com/s.json', 'external-ref'],
    ['other.json#/A', 'external-ref'],
    ['#/$defs/Missing', 'unresolved-ref'],
    ['#nope', 'unresolved-ref'],
  ])('replaces the unresolvable ref %s by a permissive schema with a note', (ref, code) => {
    const { schema, notes } = normalizeSchema({ type: 'object', properties: { a: { $ref: ref, description: 'Thing.' } } }, { tool: 'reader' });
    const a = (schema.properties as Record<string, JsonSchema>).a!;
    expect(a).toEqual({ description: `Thing. Any value: the referenced schema "${ref}" was not resolved.` });
    expect(notes).toEqual([expect.objectContaining({ tool: 'reader', level: 'warning', code })]);
  });

  it('never mutates its input', () => {
    const given = { type: 'object', definitions: { A: { type: 'integer', minimum: 1, exclusiveMinimum: true } }, properties: { a: { $ref: '#/definitions/A' } } };
    const copy = structuredClone(given);
    normalizeSchema(given);
    expect(given).toEqual(copy);
  });

  it('returns a self-contained schema: every local ref resolves inside it', () => {
    const { schema } = normalizeSchema({ type: 'object', definitions: { A: { $ref: '#/definitions/B' }, B: { type: 'object', properties: { a: { $ref: '#/definitions/A' } } } }, properties: { x: { $ref: '#/definitions/A' } } });
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBe(3);
    for (const ref of refs) expect(Object.keys(schema.$defs as object)).toContain(ref.replace('#/$defs/', ''));
  });
});

describe('normalizeSchema on broken input', () => {
  it.each<[string, JsonSchema, JsonSchema]>([
    ['a property that is a number', { type: 'object', properties: { a: 5, b: { type: 'string' } } }, { type: 'object', properties: { a: {}, b: { type: 'string' } } }],
    ['properties that is a list', { type: 'object', properties: ['a'] }, { type: 'object', properties: {} }],
    ['items that is a string', { type: 'array', items: 'string' }, { type: 'array', items: {} }],
    ['anyOf that is an object', { anyOf: { type: 'string' } }, { anyOf: [{}] }],
    ['anyOf with a null member', { anyOf: [{ type: 'string' }, null] }, { anyOf: [{ type: 'string' }, {}] }],
  ])('%s → a permissive subschema and a note', (_n, given, want) => {
    const { schema, notes } = normalizeSchema(given, { tool: 't' });
    expect(schema).toEqual(want);
    expect(notes.map((n) => n.code)).toEqual(['invalid-schema']);
  });

  it('a malformed anchor escape is not a crash', () => {
    expect(normalizeSchema({ type: 'object', properties: { a: { $ref: '#%E0%A4%A' } } }).notes.map((n) => n.code)).toEqual(['unresolved-ref']);
  });
});

describe('normalizeSchema naming order', () => {
  it('names colliding definitions in the order a walk meets their refs, parents before children', () => {
    const given = { type: 'object', properties: { p: { $ref: '#/$defs/A~1B', properties: { c: { $ref: '#/$defs/A_B' } } } }, $defs: { 'A/B': { type: 'string' }, A_B: { type: 'number' } } };
    expect(normalizeSchema(given).schema).toEqual({
      type: 'object',
      properties: { p: { $ref: '#/$defs/A_B', properties: { c: { $ref: '#/$defs/A_B_2' } } } },
      $defs: { A_B: { type: 'string' }, A_B_2: { type: 'number' } },
    });
  });

  it('still finds a definition whose only ref sits where a subschema was not well formed', () => {
    const given = { type: 'object', properties: { p: { type: 'string', not: [{ $ref: '#/$defs/Z' }] } }, $defs: { Z: { type: 'integer' } } };
    const { schema, notes } = normalizeSchema(given);
    expect(schema).toEqual({ type: 'object', properties: { p: { type: 'string', not: {} } }, $defs: { Z: { type: 'integer' } } });
    expect(notes.map((n) => n.code)).toEqual(['invalid-schema']);
  });
});
