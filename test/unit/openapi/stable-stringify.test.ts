/**
 * stableStringify (canonical text for the spec version hash and for sharing definitions) takes a native fast
 * path; it must write exactly what the plain recursive form writes, for any value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../../src/openapi/json-equal.js';
import { slowStableStringify, sortStrings, stableStringify } from '../../../src/openapi/walk.js';

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0', '1', '10', '2', '01', '-1', '__proto__', 'toJSON', 'type', '$ref', 'é', '😀', '\u0000'));
const leaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }),
})).value;

/** A copy of `v` with every object's keys in reverse order and one undefined member more or less. */
function reordered(v: unknown, drop: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => reordered(x, drop));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) {
    const x = (v as Record<string, unknown>)[k];
    if (drop && x === undefined) continue;
    Object.defineProperty(out, k, { value: reordered(x, drop), enumerable: true, writable: true, configurable: true });
  }
  if (!drop) out.extraUndefined = undefined;
  return out;
}

describe('sameJson', () => {
  it('is true exactly when the canonical texts are equal', () => {
    fc.assert(fc.property(value, value, fc.boolean(), (a, b, drop) => {
      const c = reordered(a, drop);
      return sameJson(a, b) === (stableStringify(a) === stableStringify(b))
        && sameJson(a, c) === (stableStringify(a) === stableStringify(c))
        && sameJson(a, c);
    }), { numRuns: 2000 });
  });

  it('tells apart values whose texts differ, and equates those whose texts match', () => {
    expect(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1, u: 2 })).toBe(false);
    expect(sameJson({ a: 1, u: 2 }, { a: 1, u: undefined })).toBe(false);
    expect(sameJson({ a: 1, u: undefined }, { u: 2, a: 1 })).toBe(false);
    expect(sameJson([NaN, () => 1], [null, Infinity])).toBe(true);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson({}, [])).toBe(false);
  });
});

describe('stableStringify', () => {
  it('writes exactly what the plain recursive form writes', () => {
    fc.assert(fc.property(value, (v) => stableStringify(v) === slowStableStringify(v)), { numRuns: 2000 });
  });

  it('sorts keys, leaves out undefined members, writes functions and non-finite numbers as null', () => {
    const text = stableStringify({ b: [undefined, () => 1, NaN], a: { d: 1, c: undefined, toJSON: 'x' }, 10: true, 2: false });
    expect(text).toBe('{"10":true,"2":false,"a":{"d":1,"toJSON":"x"},"b":[null,null,null]}');
    expect(stableStringify(new Date(0))).toBe('{}');
    expect(stableStringify({ a: new Date(0), b: [1, 'x'] })).toBe('{"a":{},"b":[1,"x"]}');
    class Thing { a = 1; toJSON() { return 'nope'; } }
    expect(stableStringify([new Thing()])).toBe('[{"a":1}]');
    const listWithToJSON = Object.assign([1, 2], { toJSON: () => 'nope' });
    expect(stableStringify({ l: listWithToJSON })).toBe('{"l":[1,2]}');
    expect(stableStringify({ a: 1, b: () => 1, c: 'x' })).toBe('{"a":1,"b":null,"c":"x"}');
    expect(stableStringify({ a: 1, b: { c: 2, toJSON: 'kept' } })).toBe('{"a":1,"b":{"c":2,"toJSON":"kept"}}');
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify(JSON.parse('{"__proto__":{"z":1,"y":2}}'))).toBe('{"__proto__":{"y":2,"z":1}}');
  });
});

describe('sortStrings', () => {
  it('sorts in place exactly as Array.prototype.sort does, short lists or long', () => {
    const strings = fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a', 'A', 'é', '😀', '\uD800', '10', '9')), { maxLength: 40 });
    fc.assert(fc.property(strings, (list) => {
      const mine = [...list];
      return sortStrings(mine) === mine && JSON.stringify(mine) === JSON.stringify([...list].sort());
    }), { numRuns: 2000 });
  });
});
