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
