/** The strict encoding's way back: decodeArguments on its own, then through toMcpCall with functions built for real. */
import { describe, expect, it } from 'vitest';
import { buildFunctionTools } from '../../../src/functions/build-tools.js';
import { decodeArguments, DecodeError, encodeArguments, type FunctionCodec } from '../../../src/functions/codec.js';
import { InvalidArgumentsError, toMcpCall } from '../../../src/functions/route-call.js';
import type { ToolCatalog } from '../../../src/mcp/catalog.js';

const problemsOf = (codec: FunctionCodec, args: Record<string, unknown>) => {
  try {
    decodeArguments(codec, args);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return (error as DecodeError).problems;
  }
  throw new Error('decoded without a problem');
};

describe('decodeArguments', () => {
  it('parses JSON strings, rebuilds objects from pairs, merges the extra keys, follows items and $refs', () => {
    const codec: FunctionCodec = {
      properties: { filter: { as: 'json' }, labels: { as: 'entries' }, stages: { items: { as: 'json' } }, tree: { ref: '#/$defs/T' } },
      extra: { field: 'additional_properties', as: 'json' },
      defs: { '#/$defs/T': { properties: { data: { as: 'json' }, kids: { items: { ref: '#/$defs/T' } } } } },
    };
    const args = {
      filter: '{"age":{"$gt":30}}',
      labels: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }],
      stages: ['{"$match":{}}', '{"$limit":5}'],
      tree: { data: '[1,2]', kids: [{ data: 'null', kids: [] }] },
      plain: { x: null },
      additional_properties: '{"dryRun":true}',
    };
    expect(decodeArguments(codec, args)).toEqual({
      filter: { age: { $gt: 30 } },
      labels: { env: 'prod', team: 'a' },
      stages: [{ $match: {} }, { $limit: 5 }],
      tree: { data: [1, 2], kids: [{ data: null, kids: [] }] },
      plain: { x: null },
      dryRun: true,
    });
  });

  it('a null where an encoded value goes means "left out"; the JSON text "null" is a null', () => {
    const codec: FunctionCodec = { properties: { a: { as: 'json' }, b: { as: 'entries' } }, extra: { field: 'more', as: 'json' } };
    expect(decodeArguments(codec, { a: null, b: null, more: null, c: null })).toEqual({ c: null });
    expect(decodeArguments(codec, { a: 'null', b: [], more: '{}' })).toEqual({ a: null, b: {} });
  });

  it('names every value it cannot decode, with what to send instead', () => {
    const codec: FunctionCodec = { properties: { f: { as: 'json' }, g: { as: 'json' }, m: { as: 'entries' }, n: { as: 'entries' }, o: { as: 'entries' } } };
    expect(problemsOf(codec, { f: '{oops', g: { a: 1 }, m: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }], n: [{ value: 1 }], o: 'x' })).toEqual([
      { path: '/f', message: expect.stringMatching(/^"\/f" is not valid JSON \(.+\); send the value as a string holding JSON, e\.g\. "\{\\"key\\": \\"value\\"\}"$/) },
      { path: '/g', message: '"/g" must be a string holding JSON (e.g. "{\\"key\\": \\"value\\"}"), not an object' },
      { path: '/m/1', message: '"/m" has the key "a" twice: send each key once' },
      { path: '/n/0', message: '"/n/0" must be {"key": "<name>", "value": …}' },
      { path: '/o', message: '"/o" must be a list of {"key": …, "value": …} pairs, not a string' },
    ]);
  });

  it('the extra property must hold an object whose keys are not declared ones', () => {
    const codec: FunctionCodec = { extra: { field: 'more', as: 'json' } };
    expect(problemsOf(codec, { a: 1, more: '[1]' })).toEqual([{ path: '/more', message: '"/more" must hold a JSON object, not an array' }]);
    expect(problemsOf(codec, { a: 1, more: '{"a":2}' })).toEqual([{ path: '/more', message: '"/more" repeats "a", a property of its own: send it only as that property' }]);
  });

  it('keys from JSON and from pairs are data: __proto__ stays an own property', () => {
    const out = decodeArguments({ properties: { j: { as: 'json' }, e: { as: 'entries' } } }, { j: '{"__proto__":{"polluted":1}}', e: [{ key: '__proto__', value: 'x' }] });
    expect(Object.hasOwn(out.j as object, '__proto__')).toBe(true);
    expect(Object.hasOwn(out.e as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('encodeArguments is its reverse, nulls for left-out properties included', () => {
    const strict = {
      type: 'object',
      properties: {
        f: { type: ['string', 'null'] },
        m: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'number' } }, required: ['key', 'value'], additionalProperties: false } },
        n: { type: ['number', 'null'] },
        more: { type: ['string', 'null'] },
      },
      required: ['f', 'm', 'n', 'more'],
      additionalProperties: false,
    };
    const codec: FunctionCodec = { properties: { f: { as: 'json' }, m: { as: 'entries' } }, extra: { field: 'more', as: 'json' } };
    const args = { m: { a: 1 }, other: [true] };
    const encoded = encodeArguments(codec, strict, args);
    expect(encoded).toEqual({ f: null, m: [{ key: 'a', value: 1 }], n: null, more: '{"other":[true]}' });
    expect(decodeArguments(codec, encoded)).toEqual({ ...args, n: null });
  });
});

describe('toMcpCall with strict functions that encode arguments', () => {
  const catalog: ToolCatalog = {
    server: { name: 's', version: '1' },
    tools: [
      {
        name: 'find',
        inputSchema: {
          type: 'object',
          properties: {
            collection: { type: 'string' },
            filter: { type: 'object', additionalProperties: {}, description: 'The query filter.' },
            labels: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
            limit: { type: 'integer' },
          },
          required: ['collection'],
        },
      },
    ],
  };
  const built = buildFunctionTools(catalog, { api: 'chat', strict: true });

  it('builds the codec it routes with', () => {
    expect(built.encoded).toEqual({ find: { properties: { filter: { as: 'json' }, labels: { as: 'entries' } } } });
    expect(built.tools[0]!.function.strict).toBe(true);
  });

  it('decodes, drops the nulls of left-out properties, checks the result against the tool\'s own schema', () => {
    const call = toMcpCall(catalog, built.nameMap, 'find', '{"collection":"users","filter":"{\\"age\\":{\\"$gt\\":30}}","labels":[{"key":"a","value":1}],"limit":null}', { encoded: built.encoded });
    expect(call).toEqual({ name: 'find', arguments: { collection: 'users', filter: { age: { $gt: 30 } }, labels: { a: 1 } } });
  });

  it('reads the codecs from the "$encoded" member of a name map file', () => {
    const file = JSON.parse(JSON.stringify({ ...built.nameMap, $encoded: built.encoded })) as Record<string, string>;
    expect(toMcpCall(catalog, file, 'find', '{"collection":"c","filter":"{}","labels":null,"limit":2}').arguments).toEqual({ collection: 'c', filter: {}, limit: 2 });
    expect(() => toMcpCall(catalog, file, '$encoded', '{}')).toThrow(/not one of the tools/);
  });

  it('JSON that does not parse: an error the model can correct, nothing called', () => {
    const attempt = () => toMcpCall(catalog, built.nameMap, 'find', '{"collection":"c","filter":"{age: 30}","labels":null,"limit":null}', { encoded: built.encoded });
    expect(attempt).toThrow(InvalidArgumentsError);
    expect(attempt).toThrow(/^the arguments of "find" cannot be decoded: "\/filter" is not valid JSON \(.*\); send the value as a string holding JSON/);
  });

  it('decoded values that break the tool\'s schema: the schema\'s own words, in the tool\'s terms', () => {
    const attempt = () => toMcpCall(catalog, built.nameMap, 'find', '{"collection":"c","filter":"[1]","labels":[{"key":"a","value":-1}],"limit":null}', { encoded: built.encoded });
    expect(attempt).toThrow('the arguments of "find" do not match the input schema of tool "find": "/filter" must be of type object; "/labels/a" must be >= 0');
  });
});
