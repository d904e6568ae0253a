import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/mcp/catalog.js';
import { applyGptSchemaRules, applyGptSchemaRulesInPlace } from '../../../src/openapi/gpt-rules.js';

const cases: [string, { given: JsonSchema; want: JsonSchema }][] = [
  ['object without properties', { given: { type: 'object' }, want: { type: 'object', properties: {} } }],
  ['nullable object without properties', { given: { type: ['object', 'null'] }, want: { type: ['object', 'null'], properties: {} } }],
  ['free-form map keeps additionalProperties', { given: { type: 'object', additionalProperties: { type: 'number' } }, want: { type: 'object', additionalProperties: { type: 'number' }, properties: {} } }],
  ['array without items', { given: { type: 'array', minItems: 1 }, want: { type: 'array', minItems: 1, items: {} } }],
  ['nested', { given: { type: 'object', properties: { a: { type: 'array', items: { type: 'object' } } } }, want: { type: 'object', properties: { a: { type: 'array', items: { type: 'object', properties: {} } } } } }],
  ['true property → {}', { given: { type: 'object', properties: { a: true } }, want: { type: 'object', properties: { a: {} } } }],
  ['additionalProperties: false stays', { given: { type: 'object', properties: {}, additionalProperties: false }, want: { type: 'object', properties: {}, additionalProperties: false } }],
  ['items: false after prefixItems → maxItems', { given: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false }, want: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: {}, maxItems: 2 } }],
  ['items: false keeps a tighter maxItems', { given: { type: 'array', prefixItems: [{}, {}], items: false, maxItems: 1 }, want: { type: 'array', prefixItems: [{}, {}], items: {}, maxItems: 1 } }],
  ['inside anyOf', { given: { anyOf: [{ type: 'object' }, { type: 'array' }] }, want: { anyOf: [{ type: 'object', properties: {} }, { type: 'array', items: {} }] } }],
  ['untyped schema untouched', { given: { description: 'x' }, want: { description: 'x' } }],
];

describe('applyGptSchemaRules', () => {
  it.each(cases)('%s', (_n, { given, want }) => expect(applyGptSchemaRules(given)).toEqual(want));

  it.each(cases)('in place: %s', (_n, { given, want }) => {
    const own = structuredClone(given);
    const out = applyGptSchemaRulesInPlace(own);
    expect(out).toBe(own);
    expect(JSON.stringify(out)).toBe(JSON.stringify(want)); // same keys in the same order
    expect(applyGptSchemaRulesInPlace(structuredClone(want))).toEqual(want); // idempotent
  });

  it('leaves its input alone (copy) ', () => {
    const given: JsonSchema = { type: 'object', properties: { a: true, b: { type: 'array' } } };
    const before = JSON.stringify(given);
    applyGptSchemaRules(given);
    expect(JSON.stringify(given)).toBe(before);
  });
});
