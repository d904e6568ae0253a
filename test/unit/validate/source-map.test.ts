import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { getAt, parsePointer, toPointer } from '../../../src/validate/pointer.js';
import { loadSpec } from '../../../src/validate/source-map.js';

describe('JSON pointers', () => {
  it.each([
    [['paths', '/tools/x', 'post'], '/paths/~1tools~1x/post'],
    [['a~b', 0], '/a~0b/0'],
    [[], ''],
  ] as [(string | number)[], string][])('%j ⇄ %s', (path, pointer) => {
    expect(toPointer(path)).toBe(pointer);
    expect(parsePointer(pointer)).toEqual(path.map(String));
  });

  it('reads values and $ref fragments', () => {
    const doc = { components: { schemas: { 'A/B': { type: 'string' } } }, list: [1, 2] };
    expect(getAt(doc, '#/components/schemas/A~1B')).toEqual({ type: 'string' });
    expect(getAt(doc, '/list/1')).toBe(2);
    expect(getAt(doc, '/list/x')).toBeUndefined();
    expect(getAt(doc, '/missing/deeper')).toBeUndefined();
  });
});

describe('loadSpec: line and column for a pointer', () => {
  const yaml = ['openapi: 3.1.0', 'paths:', '  /a:', '    post:', '      operationId: a', 'list:', '  - one', '  - two', ''].join('\n');
  const json = '{\n  "openapi": "3.1.0",\n  "paths": {\n    "/a": { "post": { "operationId": "a" } }\n  }\n}\n';

  it.each([
    ['yaml', yaml, '/paths/~1a/post/operationId', { line: 5, column: 7 }],
    ['yaml', yaml, '/list/1', { line: 8, column: 5 }],
    ['yaml', yaml, '/paths/~1a/post/missing', { line: 4, column: 5 }],
    ['yaml', yaml, '', { line: 1, column: 1 }],
    ['json', json, '/paths/~1a/post/operationId', { line: 4, column: 23 }],
    ['json', json, '/openapi', { line: 2, column: 3 }],
  ])('%s %s', (_kind, text, pointer, want) => {
    expect(loadSpec(text, 'spec').locate(pointer)).toEqual(want);
  });

  it('detects the format', () => {
    expect(loadSpec(yaml, 'a').format).toBe('yaml');
    expect(loadSpec(json, 'a').format).toBe('json');
  });

  it('follows YAML aliases', () => {
    const text = 'defs:\n  s: &S\n    type: string\nuse:\n  x: *S\n';
    const spec = loadSpec(text, 'a');
    expect(getAt(spec.document, '/use/x/type')).toBe('string');
    expect(spec.locate('/use/x/type')).toEqual({ line: 3, column: 5 });
  });

  it.each([
    ['a: [1\n', /cannot parse f\.yaml:2:1/],
    ['{"a": 1,, }', /cannot parse f\.yaml:1:/],
    ['a: 1\na: 2\n', /cannot parse f\.yaml:2:1: Map keys must be unique/],
    ['', /not an OpenAPI document \(its top level is empty/],
    ['- 1\n- 2\n', /its top level is a list/],
    ['just text', /its top level is a string/],
  ])('rejects %j with a ConfigError', (text, message) => {
    expect(() => loadSpec(text, 'f.yaml')).toThrow(ConfigError);
    expect(() => loadSpec(text, 'f.yaml')).toThrow(message);
  });
});
