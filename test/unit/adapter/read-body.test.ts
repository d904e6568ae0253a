import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { isJsonContentType, parseJson } from '../../../src/adapter/read-body.js';

function statusOf(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return (error as HttpError).status;
  }
}

describe('parseJson', () => {
  it.each([
    ['{"a":1}', 'ok'],
    ['', 'ok'],
    ['{"a":', 400],
    ['{"__proto__":{"x":1}}', 400],
    ['{"a":{"constructor":{"prototype":{}}}}', 400],
    ['{"text":"about __proto__ and constructor"}', 'ok'],
    ['[{"b":[{"__proto__":1}]}]', 400],
    ['['.repeat(50_000) + ']'.repeat(50_000), 400],
    ['{"s":"' + '['.repeat(100) + '"}', 'ok'],
  ])('%#: %s', (text, want) => {
    expect(statusOf(() => parseJson(text))).toBe(want);
  });

  it.each([
    ['{"x":1e400}', '/x'],
    ['{"x":-1e400}', '/x'],
    ['{"x":1E+400}', '/x'],
    ['{"x":1e0400}', '/x'],
    ['{"x":[0,{"y/z":1.5e999}]}', '/x/1/y~1z'],
    [`{"x":1${'0'.repeat(400)}}`, '/x'],
    ['1e400', ''],
  ])('non-finite: %s → 400 at "%s"', (text, path) => {
    let error: unknown;
    try {
      parseJson(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).details).toEqual([{ path, message: 'must be a finite number' }]);
  });

  it.each([
    '{"x":1e308}',
    '{"x":1e-400}',
    '{"x":"1e400"}',
    `{"x":0.${'0'.repeat(400)}1}`,
    `{"x":"${'9'.repeat(400)}"}`,
    '{"true":true,"e":1e10,"f":false}',
  ])('finite: %s', (text) => expect(() => parseJson(text)).not.toThrow());

  it('says how deep', () => {
    expect(() => parseJson('['.repeat(100))).toThrow(/nested deeper than 64/);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/merge-patch+json', true],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('%s → %s', (value, want) => expect(isJsonContentType(value)).toBe(want));
});
