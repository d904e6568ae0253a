import { describe, expect, it } from 'vitest';
import { toStrictSchema } from '../../../src/functions/strict-schema.js';
import { measureSchema } from '../../../src/functions/strict-limits.js';
import { strictViolations } from './strict-check.js';

type S = Record<string, unknown>;
const obj = (properties: S, required: string[] = []): S => ({ type: 'object', properties, required, additionalProperties: false });

/** [name, { given, want, codes }]: `codes` are the note codes expected (any order, exact set). */
const rules: Array<[string, { given: S; want: S; codes?: string[] }]> = [
  ['root without a type becomes an object with no parameters', { given: {}, want: obj({}) }],
  ['root object without properties', { given: { type: 'object' }, want: obj({}) }],
  ['required property stays as it is', { given: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, want: obj({ a: { type: 'string' } }, ['a']) }],
  ['optional typed property becomes required and nullable', { given: { type: 'object', properties: { a: { type: 'integer' } } }, want: obj({ a: { type: ['integer', 'null'] } }, ['a']) }],
  ['optional type array gains "null"', { given: { properties: { a: { type: ['string', 'number'] } } }, want: obj({ a: { type: ['string', 'number', 'null'] } }, ['a']) }],
  ['optional enum gains a null value', { given: { properties: { u: { type: 'string', enum: ['c', 'f'] } } }, want: obj({ u: { type: ['string', 'null'], enum: ['c', 'f', null] } }, ['u']) }],
  ['optional const becomes a two-value enum', { given: { properties: { k: { type: 'string', const: 'x' } } }, want: obj({ k: { type: ['string', 'null'], enum: ['x', null] } }, ['k']) }],
  ['required const is kept (strict supports const)', { given: { properties: { k: { type: 'string', const: 'x' } }, required: ['k'] }, want: obj({ k: { type: 'string', const: 'x' } }, ['k']) }],
  [
    'optional $ref is wrapped in anyOf with a null branch',
    {
      given: { properties: { n: { $ref: '#/$defs/N' } }, $defs: { N: { type: 'object', properties: { t: { type: 'string' } }, required: ['t'] } } },
      want: { type: 'object', properties: { n: { anyOf: [{ $ref: '#/$defs/N' }, { type: 'null' }] } }, $defs: { N: obj({ t: { type: 'string' } }, ['t']) }, required: ['n'], additionalProperties: false },
    },
  ],
  [
    '$ref with a description next to it is inlined (strict mode allows no keyword beside $ref), then made nullable',
    {
      given: { properties: { n: { $ref: '#/$defs/N', description: 'a note' } }, $defs: { N: { type: 'object', description: 'N', properties: { t: { type: 'string' } }, required: ['t'] } } },
      want: {
        type: 'object',
        properties: { n: { type: ['object', 'null'], description: 'a note', properties: { t: { type: 'string' } }, required: ['t'], additionalProperties: false } },
        $defs: { N: { type: 'object', description: 'N', properties: { t: { type: 'string' } }, required: ['t'], additionalProperties: false } },
        required: ['n'],
        additionalProperties: false,
      },
    },
  ],
  [
    'a recursive $ref with a description keeps the $ref and drops the description',
    {
      given: { properties: { t: { $ref: '#/$defs/T' } }, required: ['t'], $defs: { T: { type: 'object', properties: { next: { $ref: '#/$defs/T', description: 'next' } }, required: ['next'] } } },
      want: { type: 'object', properties: { t: { $ref: '#/$defs/T' } }, required: ['t'], $defs: { T: obj({ next: { type: 'object', description: 'next', properties: { next: { $ref: '#/$defs/T' } }, required: ['next'], additionalProperties: false } }, ['next']) }, additionalProperties: false },
      codes: ['strict-ref-siblings'],
    },
  ],
  ['optional anyOf gains a null branch', { given: { properties: { v: { anyOf: [{ type: 'string' }, { type: 'number' }] } } }, want: obj({ v: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] } }, ['v']) }],
  ['optional property that already accepts null is unchanged', { given: { properties: { v: { type: ['string', 'null'] } } }, want: obj({ v: { type: ['string', 'null'] } }, ['v']) }],
  ['OpenAPI 3.0 nullable: true becomes a null type', { given: { properties: { v: { type: 'string', nullable: true } }, required: ['v'] }, want: obj({ v: { type: ['string', 'null'] } }, ['v']) }],
  ['singleton type array becomes a string', { given: { properties: { v: { type: ['string'] } }, required: ['v'] }, want: obj({ v: { type: 'string' } }, ['v']) }],
  [
    'nested objects are closed and fully required',
    { given: { properties: { o: { type: 'object', properties: { x: { type: 'number' } } } }, required: ['o'] }, want: obj({ o: obj({ x: { type: ['number', 'null'] } }, ['x']) }, ['o']) },
  ],
  [
    'objects inside $defs, items and anyOf branches are closed',
    {
      given: {
        properties: { l: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } }, u: { anyOf: [{ type: 'object', properties: { b: { type: 'string' } }, required: ['b'] }, { type: 'string' }] } },
        required: ['l', 'u'],
        $defs: { D: { type: 'object', properties: { c: { type: 'boolean' } } } },
      },
      want: {
        type: 'object',
        properties: { l: { type: 'array', items: obj({ a: { type: ['string', 'null'] } }, ['a']) }, u: { anyOf: [obj({ b: { type: 'string' } }, ['b']), { type: 'string' }] } },
        $defs: { D: obj({ c: { type: ['boolean', 'null'] } }, ['c']) },
        required: ['l', 'u'],
        additionalProperties: false,
      },
    },
  ],
  ['type inferred from properties', { given: { properties: { o: { properties: { a: { type: 'string' } }, required: ['a'] } }, required: ['o'] }, want: obj({ o: obj({ a: { type: 'string' } }, ['a']) }, ['o']) }],
  ['type inferred from items', { given: { properties: { l: { items: { type: 'string' } } }, required: ['l'] }, want: obj({ l: { type: 'array', items: { type: 'string' } } }, ['l']) }],
  ['type inferred from enum values', { given: { properties: { e: { enum: [1, 2.5] }, s: { enum: ['a'] } }, required: ['e', 's'] }, want: obj({ e: { type: 'number', enum: [1, 2.5] }, s: { type: 'string', enum: ['a'] } }, ['e', 's']) }],
  ['open object with properties is closed, with a warning', { given: { properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: true }, want: obj({ a: { type: 'string' } }, ['a']), codes: ['strict-closed-object'] }],
  [
    'allOf of objects is merged (properties and required united)',
    {
      given: { properties: { p: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] }] } }, required: ['p'] },
      want: obj({ p: obj({ a: { type: 'string' }, b: { type: 'number' } }, ['a', 'b']) }, ['p']),
      codes: ['strict-allof-merged'],
    },
  ],
  [
    'allOf $ref branches are inlined before merging',
    {
      given: { properties: { p: { allOf: [{ $ref: '#/$defs/Base' }, { properties: { b: { type: 'number' } } }] } }, required: ['p'], $defs: { Base: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
      want: { type: 'object', properties: { p: obj({ a: { type: 'string' }, b: { type: ['number', 'null'] } }, ['a', 'b']) }, required: ['p'], $defs: { Base: obj({ a: { type: 'string' } }, ['a']) }, additionalProperties: false },
      codes: ['strict-allof-merged'],
    },
  ],
  ['allOf bounds take the tighter value', { given: { properties: { n: { allOf: [{ type: 'integer', minimum: 1, maximum: 10 }, { minimum: 3, maximum: 20 }] } }, required: ['n'] }, want: obj({ n: { type: 'integer', minimum: 3, maximum: 10 } }, ['n']), codes: ['strict-allof-merged'] }],
  ['allOf with the same property twice merges that property too', { given: { properties: { p: { allOf: [{ properties: { a: { type: 'string', maxLength: 5 } } }, { properties: { a: { type: 'string', pattern: '^x' } } }] } }, required: ['p'] }, want: obj({ p: obj({ a: { type: ['string', 'null'], pattern: '^x', description: 'At most 5 characters.' } }, ['a']) }, ['p']), codes: ['strict-allof-merged', 'strict-allof-merged', 'strict-keyword-hinted'] }],
  ['allOf with incompatible types is unrepresentable', { given: { properties: { v: { allOf: [{ type: 'string' }, { type: 'number' }] } }, required: ['v'] }, want: obj({ v: { type: 'string' } }, ['v']), codes: ['strict-unrepresentable', 'strict-allof-merged'] }],
  ['oneOf becomes anyOf', { given: { properties: { v: { oneOf: [{ type: 'string' }, { type: 'integer' }] } }, required: ['v'] }, want: obj({ v: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }, ['v']), codes: ['strict-oneof'] }],
  ['supported string, number and array keywords are kept', { given: { properties: { s: { type: 'string', pattern: '^[a-z]+$', format: 'email' }, n: { type: 'number', minimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 }, l: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 3 } }, required: ['s', 'n', 'l'] }, want: obj({ s: { type: 'string', pattern: '^[a-z]+$', format: 'email' }, n: { type: 'number', minimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 }, l: { type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 3 } }, ['s', 'n', 'l']) }],
  ['annotations are dropped silently', { given: { $schema: 'https://json-schema.org/draft/2020-12/schema', properties: { a: { type: 'string', examples: ['x'], $comment: 'c', 'x-ui': 1, deprecated: true } }, required: ['a'] }, want: obj({ a: { type: 'string' } }, ['a']) }],
  ['recursive $ref (a tree) is kept', { given: { properties: { t: { $ref: '#/$defs/T' } }, required: ['t'], $defs: { T: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/T' } } }, required: ['kids'] } } }, want: { type: 'object', properties: { t: { $ref: '#/$defs/T' } }, required: ['t'], $defs: { T: obj({ kids: { type: 'array', items: { $ref: '#/$defs/T' } } }, ['kids']) }, additionalProperties: false } }],
  ['a required name missing from properties is dropped', { given: { properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }, want: obj({ a: { type: 'string' } }, ['a']), codes: ['strict-required-undeclared'] }],
];

/** Keywords strict mode rejects, each on its own: [keyword, schema of property "v", note code, description hint]. */
const unsupported: Array<[string, S, string, string?]> = [
  ['not', { type: 'string', not: { const: 'x' } }, 'strict-keyword-dropped'],
  ['if/then/else', { type: 'string', if: { const: 'a' }, then: { minLength: 1 }, else: { maxLength: 2 } }, 'strict-keyword-dropped'],
  ['dependentRequired', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependentRequired: { a: ['b'] } }, 'strict-keyword-dropped'],
  ['dependentSchemas', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependentSchemas: { a: { required: ['a'] } } }, 'strict-keyword-dropped'],
  ['dependencies (draft-07)', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependencies: { a: ['a'] } }, 'strict-keyword-dropped'],
  ['patternProperties', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], patternProperties: { '^x': { type: 'string' } } }, 'strict-keyword-dropped'],
  ['propertyNames', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], propertyNames: { maxLength: 3 } }, 'strict-keyword-dropped'],
  ['unevaluatedProperties', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], unevaluatedProperties: false }, 'strict-keyword-dropped'],
  ['contains', { type: 'array', items: { type: 'string' }, contains: { const: 'a' } }, 'strict-keyword-dropped'],
  ['contentMediaType', { type: 'string', contentMediaType: 'image/png' }, 'strict-keyword-dropped'],
  ['minLength', { type: 'string', minLength: 2 }, 'strict-keyword-hinted', 'At least 2 characters.'],
  ['maxLength', { type: 'string', maxLength: 1 }, 'strict-keyword-hinted', 'At most 1 character.'],
  ['default', { type: 'string', default: 'metric' }, 'strict-keyword-hinted', 'Default: "metric".'],
  ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, 'strict-keyword-hinted', 'Items must be unique.'],
  ['minProperties', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], minProperties: 1 }, 'strict-keyword-hinted', 'At least 1 property.'],
  ['format (an unsupported value: uri)', { type: 'string', format: 'uri' }, 'strict-keyword-hinted', 'Format: uri.'],
  ['frobnicate (an unknown keyword)', { type: 'string', frobnicate: true }, 'strict-keyword-unknown'],
];

/** Shapes strict mode cannot express at all: an error note (the tool then stays non-strict). */
const unrepresentable: Array<[string, S]> = [
  ['a property accepting any value', { properties: { v: {} }, required: ['v'] }],
  ['a boolean true schema', { properties: { v: true }, required: ['v'] }],
  ['a nested map (additionalProperties schema, no properties)', { properties: { m: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['m'] }],
  ['a nested free-form object', { properties: { m: { type: 'object' } }, required: ['m'] }],
  ['a root map', { type: 'object', additionalProperties: { type: 'number' } }],
  ['an array without items', { properties: { l: { type: 'array' } }, required: ['l'] }],
  ['tuple-form items', { properties: { l: { type: 'array', items: [{ type: 'string' }] } }, required: ['l'] }],
  ['prefixItems', { properties: { l: { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'string' } } }, required: ['l'] }],
  ['a root anyOf', { anyOf: [{ type: 'object', properties: {} }, { type: 'object', properties: { a: { type: 'string' } } }] }],
  ['a root that is not an object', { type: 'string' }],
];

describe('toStrictSchema: rules', () => {
  it.each(rules)('%s', (_name, { given, want, codes = [] }) => {
    const before = structuredClone(given);
    const { schema, notes } = toStrictSchema(given, { tool: 't' });
    expect(schema).toEqual(want);
    expect(notes.map((n) => n.code).sort()).toEqual([...codes].sort());
    expect(notes.every((n) => n.tool === 't')).toBe(true);
    expect(given).toEqual(before);
    expect(strictViolations(schema)).toEqual([]);
  });
});

describe('toStrictSchema: unsupported keywords', () => {
  it.each(unsupported)('%s is rewritten or dropped, with a note', (keyword, property, code, hint) => {
    const { schema, notes } = toStrictSchema({ type: 'object', properties: { v: property }, required: ['v'] });
    expect(notes.map((n) => n.code)).toContain(code);
    expect(notes.some((n) => n.level === 'error')).toBe(false);
    expect(strictViolations(schema)).toEqual([]);
    const v = (schema.properties as S).v as S;
    const dropped = keyword.split(/[ /]/)[0]!;
    expect(Object.keys(v)).not.toContain(dropped);
    if (hint) expect(v.description).toBe(hint);
  });

  it('a kept format is not hinted', () => {
    const { schema, notes } = toStrictSchema({ properties: { d: { type: 'string', format: 'date-time' } }, required: ['d'] });
    expect(((schema.properties as S).d as S).format).toBe('date-time');
    expect(notes).toEqual([]);
  });

  it('hints are appended to an existing description', () => {
    const { schema } = toStrictSchema({ properties: { c: { type: 'string', description: 'City.', minLength: 1, default: 'Oslo' } } });
    expect(((schema.properties as S).c as S).description).toBe('City. At least 1 character. Default: "Oslo".');
  });
});

describe('toStrictSchema: unrepresentable shapes', () => {
  it.each(unrepresentable)('%s gives an error note', (_name, given) => {
    const { notes } = toStrictSchema(given, { tool: 'x' });
    const errors = notes.filter((n) => n.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.code).toMatch(/^strict-(unrepresentable|root)$/);
    expect(errors[0]!.message.length).toBeGreaterThan(10);
  });
});

/** An object nested `levels` deep (root = level 1). */
function nested(levels: number): S {
  let inner: S = { type: 'object', properties: { leaf: { type: 'string' } }, required: ['leaf'] };
  for (let i = 1; i < levels; i++) inner = { type: 'object', properties: { child: inner }, required: ['child'] };
  return inner;
}

describe('toStrictSchema: limits', () => {
  it('10 levels of nesting pass, 11 fail', () => {
    expect(measureSchema(toStrictSchema(nested(10)).schema).depth).toBe(10);
    expect(toStrictSchema(nested(10)).notes).toEqual([]);
    const deep = toStrictSchema(nested(11)).notes;
    expect(deep).toEqual([expect.objectContaining({ level: 'error', code: 'strict-limit-depth' })]);
    expect(deep[0]!.message).toContain('11');
  });

  it('array nesting counts as a level and $ref targets are followed', () => {
    const viaRef = { type: 'object', properties: { l: { type: 'array', items: { $ref: '#/$defs/D' } } }, required: ['l'], $defs: { D: nested(9) } };
    expect(measureSchema(toStrictSchema(viaRef).schema).depth).toBe(11);
    expect(toStrictSchema(viaRef).notes.map((n) => n.code)).toEqual(['strict-limit-depth']);
  });

  it('5000 properties pass, 5001 fail', () => {
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }]));
    const ok = { type: 'object', properties: props(4999), required: [] as string[], $defs: { D: { type: 'object', properties: props(1), required: ['p0'] } } };
    expect(toStrictSchema(ok).notes).toEqual([]);
    const over = toStrictSchema({ type: 'object', properties: props(5001) }).notes;
    expect(over.map((n) => n.code)).toEqual(['strict-limit-properties']);
    expect(over[0]!.message).toContain('5001');
  });

  it('1000 enum values pass, 1001 fail (counted across the schema)', () => {
    const values = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const at = (a: number, b: number) => ({ properties: { a: { type: 'string', enum: values(a, 'a') }, b: { type: 'string', enum: values(b, 'b') } }, required: ['a', 'b'] });
    expect(toStrictSchema(at(600, 400)).notes).toEqual([]);
    expect(toStrictSchema(at(600, 401)).notes.map((n) => n.code)).toEqual(['strict-limit-enum']);
  });

  it('the null added to an optional enum counts toward the limit', () => {
    const enumOf = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    expect(toStrictSchema({ properties: { e: { type: 'string', enum: enumOf } }, required: ['e'] }).notes).toEqual([]);
    expect(toStrictSchema({ properties: { e: { type: 'string', enum: enumOf } } }).notes.map((n) => n.code)).toEqual(['strict-limit-enum']);
  });
});
