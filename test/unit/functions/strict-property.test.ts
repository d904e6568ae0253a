/** Property test: any schema built from common keywords converts to a strict-valid schema or says why not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toStrictSchema } from '../../../src/functions/strict-schema.js';
import { strictViolations } from './strict-check.js';

type S = Record<string, unknown>;
const name = fc.constantFrom('a', 'b', 'city', 'note', 'x-y', 'list');

const leaf: fc.Arbitrary<S> = fc.oneof(
  fc.record({ type: fc.constant('string'), minLength: fc.option(fc.nat(5), { nil: undefined }), format: fc.option(fc.constantFrom('date', 'uri', 'email'), { nil: undefined }), default: fc.option(fc.constant('d'), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constantFrom('number', 'integer'), minimum: fc.option(fc.integer(), { nil: undefined }) }, { requiredKeys: ['type'] }),
  fc.constant({ type: 'boolean' }),
  fc.record({ enum: fc.uniqueArray(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { minLength: 1, maxLength: 4 }) }),
  fc.record({ const: fc.constantFrom('on', 3) }),
  fc.constant({ type: ['string', 'null'] }),
  fc.constant({ type: 'string', not: { const: '' } }),
  fc.constant({}),
);

const { schema } = fc.letrec<{ schema: S; object: S }>((tie) => ({
  schema: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), fc.record({ type: fc.constant('array'), items: tie('schema') }), fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }), fc.record({ oneOf: fc.array(tie('schema'), { minLength: 1, maxLength: 2 }) }), fc.record({ allOf: fc.array(tie('object'), { minLength: 1, maxLength: 3 }) })),
  object: fc
    .tuple(fc.dictionary(name, tie('schema'), { maxKeys: 4 }), fc.boolean(), fc.option(fc.boolean(), { nil: undefined }))
    .map(([properties, allRequired, additional]) => ({
      type: 'object',
      properties,
      required: allRequired ? Object.keys(properties) : Object.keys(properties).slice(0, 1),
      ...(additional === undefined ? {} : { additionalProperties: additional }),
    })),
}));

describe('toStrictSchema (property)', () => {
  it('either produces a strict-valid schema or reports an error; never modifies its input; deterministic', () => {
    let converted = 0;
    fc.assert(
      fc.property(fc.dictionary(name, schema, { minKeys: 1, maxKeys: 4 }), (properties) => {
        const input = { type: 'object', properties };
        const before = JSON.stringify(input);
        const first = toStrictSchema(input);
        expect(JSON.stringify(input)).toBe(before);
        expect(JSON.stringify(toStrictSchema(input))).toBe(JSON.stringify(first));
        for (const n of first.notes) expect(n.message.length).toBeGreaterThan(5);
        if (!first.notes.some((n) => n.level === 'error')) {
          converted++;
          expect(strictViolations(first.schema)).toEqual([]);
        }
      }),
      { numRuns: 400, seed: 20261121 },
    );
    // the generator must exercise the success path, not only the error path
    expect(converted).toBeGreaterThan(80);
  });
});
