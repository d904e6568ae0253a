/**
 * compareNames orders `$defs` names exactly as `localeCompare(…, 'en')` does, ICU or not; safeSchemaName's
 * shortcut for names already safe gives what its replacements give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNames, safeSchemaName } from '../../../src/openapi/refs.js';

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

describe('safeSchemaName', () => {
  const byReplacing = (name: string) => {
    const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
    return s === '' ? 'Schema' : s.slice(0, 100);
  };

  it('gives what the replacements give, for safe names and others, short or long', () => {
    const unit = fc.constantFrom(...'aZ09._-_ /é\n'.split(''));
    const name = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.string({ unit, minLength: 95, maxLength: 105 }), fc.string());
    fc.assert(fc.property(name, (n) => safeSchemaName(n) === byReplacing(n)), { numRuns: 3000 });
  });

  it('keeps safe names and cleans the rest', () => {
    expect(safeSchemaName('Filter')).toBe('Filter');
    expect(safeSchemaName('_Filter_')).toBe('Filter');
    expect(safeSchemaName('Page[Item]')).toBe('Page_Item');
    expect(safeSchemaName('x'.repeat(101))).toBe('x'.repeat(100));
    expect(safeSchemaName('Item\n')).toBe('Item');
  });
});
