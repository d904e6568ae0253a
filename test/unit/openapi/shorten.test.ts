import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shortenText } from '../../../src/openapi/shorten.js';

describe('shortenText', () => {
  it.each([
    ['fits: unchanged', 'Short text.', 20, 'Short text.'],
    ['exactly at the limit: unchanged', 'abcde', 5, 'abcde'],
    ['cut at the last sentence end', 'First sentence here. Second sentence is longer than that.', 40, 'First sentence here.'],
    ['question mark ends a sentence', 'Is it this? Or that one over there', 20, 'Is it this?'],
    ['newline ends a paragraph', 'Line one of the text\nLine two goes on and on', 30, 'Line one of the text'],
    ['no sentence end: cut at a word with an ellipsis', 'alpha beta gamma delta epsilon zeta', 20, 'alpha beta gamma…'],
    ['a sentence end too early is ignored', 'A. then a very long run of words without any full stop at all', 30, 'A. then a very long run of…'],
    ['no space at all: hard cut', 'x'.repeat(50), 10, `${'x'.repeat(9)}…`],
    ['trailing punctuation before the ellipsis is dropped', 'one, two, three, four, five', 17, 'one, two, three…'],
  ])('%s', (_n, text, limit, want) => {
    expect(shortenText(text, limit)).toBe(want);
  });

  it('never splits a surrogate pair', () => {
    const out = shortenText('😀'.repeat(20), 9);
    expect(out.length).toBeLessThanOrEqual(9);
    expect(out).toBe('😀😀😀😀…');
  });

  it('always respects the limit and returns a prefix (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 10, max: 800 }), (text, limit) => {
        const out = shortenText(text, limit);
        expect(out.length).toBeLessThanOrEqual(limit);
        const body = out.endsWith('…') && text.length > limit ? out.slice(0, -1) : out;
        expect(text.startsWith(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
