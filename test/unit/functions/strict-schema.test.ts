import { describe, expect, it } from 'vitest';
import { toStrictSchema } from '../../../src/functions/strict-schema.js';
import { measureSchema } from '../../../src/functions/strict-limits.js';
import { strictViolations } from './strict-check.js';

type S = Record<string, unknown>;
const obj = (properties: S, required: string[] = []): S => ({ type: 'object', properties, required, additionalProperties: false });

/** [name, { given, want, codes }]: `codes` are the note codes expected (any order, exact set). */
const rules: Array<[string, { given: S; want: S; codes?: string[] }]> = [
  ['root without a type but with properties is an object', { given: { properties: {} }, want: obj({}) }],
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
        // N is inlined where it was used: no $ref reaches it any more, so it goes
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
        properties: { l: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } }, u: { anyOf: [{ type: 'object', properties: { b: { type: 'string' } }, required: ['b'] }, { $ref: '#/$defs/D' }] } },
        required: ['l', 'u'],
        $defs: { D: { type: 'object', properties: { c: { type: 'boolean' } } } },
      },
      want: {
        type: 'object',
        properties: { l: { type: 'array', items: obj({ a: { type: ['string', 'null'] } }, ['a']) }, u: { anyOf: [obj({ b: { type: 'string' } }, ['b']), { $ref: '#/$defs/D' }] } },
        $defs: { D: obj({ c: { type: ['boolean', 'null'] } }, ['c']) },
        required: ['l', 'u'],
        additionalProperties: false,
      },
    },
  ],
  ['type inferred from properties', { given: { properties: { o: { properties: { a: { type: 'string' } }, required: ['a'] } }, required: ['o'] }, want: obj({ o: obj({ a: { type: 'string' } }, ['a']) }, ['o']) }],
  ['type inferred from items', { given: { properties: { l: { items: { type: 'string' } } }, required: ['l'] }, want: obj({ l: { type: 'array', items: { type: 'string' } } }, ['l']) }],
  ['type inferred from enum values', { given: { properties: { e: { enum: [1, 2.5] }, s: { enum: ['a'] } }, required: ['e', 's'] }, want: obj({ e: { type: 'number', enum: [1, 2.5] }, s: { type: 'string', enum: ['a'] } }, ['e', 's']) }],
  [
    'allOf of objects is merged (properties and required united)',
    {
      given: { properties: { p: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] }] } }, required: ['p'] },
      want: obj({ p: obj({ a: { type: 'string' }, b: { type: 'number' } }, ['a', 'b']) }, ['p']),
      codes: ['strict-allof-merged'],
    },
  ],
  [
    'allOf $ref branches are inlined before merging (the definition, used nowhere else, goes)',
    {
      given: { properties: { p: { allOf: [{ $ref: '#/$defs/Base' }, { properties: { b: { type: 'number' } } }] } }, required: ['p'], $defs: { Base: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
      want: { type: 'object', properties: { p: obj({ a: { type: 'string' }, b: { type: ['number', 'null'] } }, ['a', 'b']) }, required: ['p'], additionalProperties: false },
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
];

/** Keywords strict mode rejects, each on its own: [keyword, schema of property "v", note code, description hint]. */
const unsupported: Array<[string, S, string, string?]> = [
  ['not', { type: 'string', not: { const: 'x' } }, 'strict-keyword-dropped'],
  ['if/then/else', { type: 'string', if: { const: 'a' }, then: { minLength: 1 }, else: { maxLength: 2 } }, 'strict-keyword-dropped'],
  ['dependentRequired', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependentRequired: { a: ['b'] } }, 'strict-keyword-dropped'],
  ['dependentSchemas', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependentSchemas: { a: { required: ['a'] } } }, 'strict-keyword-dropped'],
  ['dependencies (draft-07)', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], dependencies: { a: ['a'] } }, 'strict-keyword-dropped'],
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

const JSON_ANY = 'A string holding JSON: any JSON value.';
const JSON_OBJECT = 'A string holding JSON: an object with any keys.';
const PAIRS = 'A list of {"key", "value"} pairs, one per key of the object ({"a": 1} is [{"key": "a", "value": 1}]).';
const pairs = (value: S, key: S = { type: 'string' }): S => ({ type: 'object', properties: { key, value }, required: ['key', 'value'], additionalProperties: false });

/**
 * What strict mode cannot say, encoded losslessly: [name, given, the strict schema, the codec]. Each gives one
 * `strict-encoded` info note per encoded value, and no error: the tool stays strict.
 */
const encoded: Array<[string, S, S, S]> = [
  ['a property accepting any value: a JSON string', { properties: { v: {} }, required: ['v'] }, obj({ v: { type: 'string', description: JSON_ANY } }, ['v']), { properties: { v: { as: 'json' } } }],
  ['an optional `true` schema: a nullable JSON string (null = left out)', { properties: { v: true } }, obj({ v: { type: ['string', 'null'], description: JSON_ANY } }, ['v']), { properties: { v: { as: 'json' } } }],
  ['a free-form object keeps its description', { properties: { m: { type: 'object', description: 'Patch data' } }, required: ['m'] }, obj({ m: { type: 'string', description: `Patch data. ${JSON_OBJECT}` } }, ['m']), { properties: { m: { as: 'json' } } }],
  ['additionalProperties: {} (MongoDB filters): a JSON string', { properties: { f: { type: 'object', properties: {}, additionalProperties: {} } }, required: ['f'] }, obj({ f: { type: 'string', description: JSON_OBJECT } }, ['f']), { properties: { f: { as: 'json' } } }],
  [
    'a map with typed values: key/value pairs, key pattern and size kept',
    { properties: { m: { type: 'object', description: 'Labels.', additionalProperties: { type: 'string' }, propertyNames: { pattern: '^[a-z]+$' }, minProperties: 1, maxProperties: 5 } }, required: ['m'] },
    obj({ m: { type: 'array', description: `Labels. ${PAIRS}`, items: pairs({ type: 'string' }, { pattern: '^[a-z]+$', type: 'string' }), minItems: 1, maxItems: 5 } }, ['m']),
    { properties: { m: { as: 'entries' } } },
  ],
  [
    'a map of maps: pairs of pairs',
    { properties: { m: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'boolean' } } } }, required: ['m'] },
    obj({ m: { type: 'array', description: PAIRS, items: pairs({ type: 'array', description: PAIRS, items: pairs({ type: 'boolean' }) }) } }, ['m']),
    { properties: { m: { as: 'entries', value: { as: 'entries' } } } },
  ],
  ['an array without items: an array of JSON strings (its bounds kept)', { properties: { l: { type: 'array', minItems: 1 } }, required: ['l'] }, obj({ l: { type: 'array', minItems: 1, items: { type: 'string', description: JSON_ANY } } }, ['l']), { properties: { l: { items: { as: 'json' } } } }],
  ['a tuple (prefixItems): a JSON string that says its items', { properties: { l: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] } }, required: ['l'] }, obj({ l: { type: 'string', description: 'A string holding JSON: an array of 2 items in order (a string), (an integer).' } }, ['l']), { properties: { l: { as: 'json' } } }],
  ['tuple-form items: the same', { properties: { l: { type: 'array', items: [{ type: 'string' }] } }, required: ['l'] }, obj({ l: { type: 'string', description: 'A string holding JSON: an array of 1 item in order (a string).' } }, ['l']), { properties: { l: { as: 'json' } } }],
  [
    'a union with a free-form branch (Notion page properties): the whole value as JSON',
    { properties: { p: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }], description: 'Props.' } } },
    obj({ p: { type: ['string', 'null'], description: 'Props. A string holding JSON: either (an object with any keys) or (a string).' } }, ['p']),
    { properties: { p: { as: 'json' } } },
  ],
  ['a nullable free-form object, required: a JSON string, "null" included', { properties: { f: { type: ['object', 'null'] } }, required: ['f'] }, obj({ f: { type: 'string', description: 'A string holding JSON: an object with any keys or null.' } }, ['f']), { properties: { f: { as: 'json' } } }],
  [
    'an open object with properties: the others in one more property',
    { properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: true },
    obj({ a: { type: 'string' }, additional_properties: { type: ['string', 'null'], description: `Properties other than the 1 above, all in one (null for none). ${JSON_OBJECT}` } }, ['a', 'additional_properties']),
    { extra: { field: 'additional_properties', as: 'json' } },
  ],
  [
    'an open object whose other values are typed: they come as pairs',
    { properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: { type: 'integer' } },
    obj({ a: { type: 'string' }, additional_properties: { type: ['array', 'null'], description: `Properties other than the 1 above, all in one (null for none). ${PAIRS}`, items: pairs({ type: 'integer' }) } }, ['a', 'additional_properties']),
    { extra: { field: 'additional_properties', as: 'entries' } },
  ],
  [
    'patternProperties next to properties: the matching keys in one more property, described',
    { properties: { a: { type: 'string' } }, required: ['a'], patternProperties: { '^x-': { type: 'string' } } },
    obj({ a: { type: 'string' }, additional_properties: { type: ['string', 'null'], description: 'Properties other than the 1 above, all in one (null for none). A string holding JSON: an object with keys matching /^x-/ holding a string.' } }, ['a', 'additional_properties']),
    { extra: { field: 'additional_properties', as: 'json' } },
  ],
  [
    'the extra property never takes a declared name',
    { properties: { additional_properties: { type: 'string' } }, required: ['additional_properties'], additionalProperties: true },
    obj({ additional_properties: { type: 'string' }, additional_properties_2: { type: ['string', 'null'], description: `Properties other than the 1 above, all in one (null for none). ${JSON_OBJECT}` } }, ['additional_properties', 'additional_properties_2']),
    { extra: { field: 'additional_properties_2', as: 'json' } },
  ],
  ['a required name missing from properties: declared as any value', { properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }, obj({ a: { type: 'string' }, ghost: { type: 'string', description: JSON_ANY } }, ['a', 'ghost']), { properties: { ghost: { as: 'json' } } }],
  [
    'a root without a type and nothing else (server-gitlab): the arguments, all in one JSON string',
    { $schema: 'http://json-schema.org/draft-07/schema#' },
    obj({ arguments: { type: 'string', description: `The tool's arguments, all in one (the server does not describe them: see the tool description). ${JSON_OBJECT}` } }, ['arguments']),
    { extra: { field: 'arguments', as: 'json' } },
  ],
  [
    'a root map: the arguments as pairs',
    { type: 'object', additionalProperties: { type: 'number' } },
    obj({ arguments: { type: 'array', description: `The tool's arguments, all in one. ${PAIRS}`, items: pairs({ type: 'number' }) } }, ['arguments']),
    { extra: { field: 'arguments', as: 'entries' } },
  ],
  [
    'a root union: the arguments as one JSON string',
    { anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'number' } }, required: ['b'] }] },
    obj({ arguments: { type: 'string', description: 'The tool\'s arguments, all in one. A string holding JSON: either (an object with "a" (required): a string) or (an object with "b" (required): a number).' } }, ['arguments']),
    { extra: { field: 'arguments', as: 'json' } },
  ],
  [
    'a recursive definition holding a free-form value: the codec follows the $ref',
    { properties: { t: { $ref: '#/$defs/T' } }, required: ['t'], $defs: { T: { type: 'object', properties: { data: { type: 'object' }, kids: { type: 'array', items: { $ref: '#/$defs/T' } } }, required: ['kids'] } } },
    { properties: { t: { $ref: '#/$defs/T' } }, $defs: { T: obj({ data: { type: ['string', 'null'], description: JSON_OBJECT }, kids: { type: 'array', items: { $ref: '#/$defs/T' } } }, ['data', 'kids']) }, type: 'object', required: ['t'], additionalProperties: false },
    { properties: { t: { ref: '#/$defs/T' } }, defs: { '#/$defs/T': { properties: { data: { as: 'json' }, kids: { items: { ref: '#/$defs/T' } } } } } },
  ],
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

describe('toStrictSchema: what strict mode cannot say is encoded, never left out', () => {
  it.each(encoded)('%s', (_name, given, want, codec) => {
    const before = structuredClone(given);
    const result = toStrictSchema(given, { tool: 'x' });
    expect(result.schema).toEqual(want);
    expect(result.codec).toEqual(codec);
    expect(result.notes.filter((n) => n.level !== 'info')).toEqual([]);
    expect(result.notes.some((n) => n.code === 'strict-encoded')).toBe(true);
    expect(strictViolations(result.schema)).toEqual([]);
    expect(given).toEqual(before);
    // deterministic
    expect(JSON.stringify(toStrictSchema(given, { tool: 'x' }))).toBe(JSON.stringify(result));
  });

  it('a schema that accepts nothing is the one thing left unrepresentable', () => {
    const { notes } = toStrictSchema({ properties: { v: false }, required: ['v'] }, { tool: 'x' });
    expect(notes).toEqual([expect.objectContaining({ level: 'error', code: 'strict-unrepresentable', message: '#/properties/v: a schema that accepts nothing' })]);
  });

  it('a plain schema has the empty codec', () => {
    expect(toStrictSchema({ type: 'object', properties: { a: { type: 'string' }, n: { $ref: '#/$defs/N' } }, $defs: { N: { type: 'integer' } } }).codec).toEqual({});
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
