import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/mcp/catalog.js';
import { downgradeSchema } from '../../../src/openapi/downgrade.js';
import { mergeBase, mergeUnder } from '../../../src/openapi/merge-base.js';

describe('downgradeSchema (OpenAPI 3.0)', () => {
  it.each<[string, JsonSchema, JsonSchema]>([
    ['nullable type array', { type: ['string', 'null'], maxLength: 3 }, { nullable: true, type: 'string', maxLength: 3 }],
    ['several types', { type: ['string', 'integer'] }, { anyOf: [{ type: 'string' }, { type: 'integer' }] }],
    ['type null', { type: 'null' }, { nullable: true, enum: [null] }],
    ['const → single enum', { const: 'x' }, { enum: ['x'] }],
    ['numeric exclusiveMinimum → boolean', { type: 'integer', exclusiveMinimum: 0 }, { type: 'integer', minimum: 0, exclusiveMinimum: true }],
    ['exclusiveMaximum tighter than maximum', { maximum: 10, exclusiveMaximum: 5 }, { maximum: 5, exclusiveMaximum: true }],
    ['examples → example', { type: 'string', examples: ['a', 'b'] }, { type: 'string', example: 'a' }],
    ['$ref siblings → allOf', { $ref: '#/components/schemas/A', description: 'd' }, { description: 'd', allOf: [{ $ref: '#/components/schemas/A' }] }],
    ['prefixItems → items anyOf', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: {} }, { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }],
    ['additionalProperties false stays boolean', { type: 'object', properties: {}, additionalProperties: false }, { type: 'object', properties: {}, additionalProperties: false }],
    ['enum with null → nullable', { enum: ['a', null] }, { enum: ['a', null], nullable: true }],
    ['empty required dropped', { type: 'object', properties: {}, required: [] }, { type: 'object', properties: {} }],
    ['inexpressible keywords → x- extensions', { type: 'object', properties: {}, dependentRequired: { a: ['b'] } }, { type: 'object', properties: {}, 'x-dependentRequired': { a: ['b'] } }],
    ['nested', { type: 'object', properties: { a: { type: ['integer', 'null'] } } }, { type: 'object', properties: { a: { nullable: true, type: 'integer' } } }],
  ])('%s', (_n, given, want) => {
    expect(downgradeSchema(given, new Set())).toEqual(want);
  });

  it('reports what 3.0 cannot express', () => {
    const lost = new Set<string>();
    downgradeSchema({ type: 'array', prefixItems: [{}], contains: { type: 'string' } }, lost);
    expect([...lost].sort()).toEqual(['contains', 'prefixItems']);
  });
});

describe('template merge', () => {
  it('the generated spec wins; arrays are replaced, objects merged', () => {
    expect(mergeUnder({ a: 1, o: { x: 1, y: 1 }, l: [1, 2] }, { a: 2, o: { y: 2 }, l: [3] })).toEqual({ a: 2, o: { y: 2, x: 1 }, l: [3] });
  });

  it('ignores keys that would change what is served or how it authenticates', () => {
    const { spec, notes } = mergeBase(
      { openapi: '3.1.0', info: { title: 'T', version: '1' }, paths: {} },
      { openapi: '3.0.0', info: { contact: { email: 'a@b.c' } }, paths: { '/x': {} }, servers: [{ url: 'https://x' }], security: [{ a: [] }], components: { securitySchemes: { a: {} }, schemas: { Extra: { type: 'string' } } } },
    );
    expect(spec).toEqual({ openapi: '3.1.0', info: { title: 'T', version: '1', contact: { email: 'a@b.c' } }, paths: {}, components: { schemas: { Extra: { type: 'string' } } } });
    expect(notes.map((n) => n.message)).toEqual([
      'the template\'s "openapi" is ignored: mcp-actions generates it',
      'the template\'s "paths" is ignored: mcp-actions generates it',
      'the template\'s "servers" is ignored: mcp-actions generates it',
      'the template\'s "security" is ignored: mcp-actions generates it',
      'the template\'s "components.securitySchemes" is ignored: use --auth',
    ]);
  });
});
