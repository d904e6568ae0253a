/** compareNames orders `$defs` names exactly as `localeCompare(…, 'en')` does, ICU or not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames } from '../../../src/openapi/refs.js';

const sign = (n: number) => Math.sign(n);
const en = (a: string, b: string) => sign(a.localeCompare(b, 'en'));

describe('compareNames', () => {
  it('agrees with localeCompare(…, "en") on every short name over a mixed-case alphabet', () => {
    const alphabet = ['a', 'b', 'z', 'A', 'B', 'Z'];
    const words = [''];
    for (let length = 1; length <= 3; length++) {
      for (const w of words.filter((x) => x.length === length - 1)) for (const c of alphabet) words.push(w + c);
    }
    const names = words.filter((w) => w !== '');
    for (const a of names) for (const b of names) expect([a, b, sign(compareNames(a, b))]).toEqual([a, b, en(a, b)]);
  });

  it('agrees with localeCompare(…, "en") on any names, letters-only or not', () => {
    const letters = fc.string({ unit: fc.constantFrom(...'abcxyzABCXYZ'.split('')), minLength: 1, maxLength: 8 });
    const any = fc.string({ unit: fc.constantFrom(...'aAbB09_-.é'.split('')), minLength: 1, maxLength: 6 });
    const name = fc.oneof(letters, any);
    fc.assert(fc.property(name, name, (a, b) => sign(compareNames(a, b)) === en(a, b)), { numRuns: 3000 });
  });

  it('sorts the usual definition names in English order', () => {
    expect(['item', 'Filter', 'Item', 'address', 'Address', 'ItemList'].sort(compareNames)).toEqual(['address', 'Address', 'Filter', 'item', 'Item', 'ItemList']);
  });
});
