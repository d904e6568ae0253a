/**
 * The validator and diff never crash on odd input: any JSON value in any place of a spec gives a report
 * (problems with positions), never an exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../../src/validate/diff/diff-specs.js';
import { validateSpecText } from '../../../src/validate/validate-spec.js';

const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant('#/components/schemas/A'),
  fc.constant({ $ref: '#/components/schemas/A' }),
  fc.constant({ type: 'object' }),
  fc.constant([]),
  fc.constant({}),
);

/** A plausible spec with random values planted at random places. */
const spec = fc
  .record({
    openapi: fc.oneof(fc.constant('3.1.0'), value),
    servers: fc.oneof(fc.constant([{ url: 'https://api.example.com' }]), value, fc.array(fc.record({ url: value }), { maxLength: 2 })),
    paths: fc.oneof(
      value,
      fc.dictionary(
        fc.constantFrom('/a', '/b/{id}', 'x'),
        fc.oneof(value, fc.dictionary(fc.constantFrom('get', 'post', 'head', 'parameters', 'summary'), fc.oneof(value, fc.record({
          operationId: value,
          parameters: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ name: value, in: value, schema: value })), { maxLength: 3 })),
          requestBody: fc.oneof(value, fc.record({ content: fc.oneof(value, fc.dictionary(fc.constantFrom('application/json', 'text/plain'), fc.record({ schema: value }))) })),
          responses: fc.oneof(value, fc.record({ '200': fc.oneof(value, fc.record({ description: value, content: value })) })),
          security: value,
          'x-openai-isConsequential': value,
        }, { requiredKeys: [] })))),
      ),
    ),
    components: fc.oneof(value, fc.record({ schemas: fc.oneof(value, fc.dictionary(fc.constantFrom('A', 'B'), value)), securitySchemes: fc.oneof(value, fc.dictionary(fc.constantFrom('k', 'o'), fc.oneof(value, fc.record({ type: value, in: value, scheme: value, flows: value })))) }, { requiredKeys: [] })),
    security: value,
  }, { requiredKeys: [] })
  .map((s) => ({ info: { title: 't', version: '1' }, ...s }));

describe('robustness', () => {
  it('validate returns a located report for any shape', async () => {
    await fc.assert(
      fc.asyncProperty(spec, async (doc) => {
        const report = await validateSpecText(JSON.stringify(doc, null, 1), 'f.json');
        for (const p of report.problems) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(1);
          expect(p.message.length).toBeGreaterThan(0);
        }
        expect(report.errors + report.warnings).toBe(report.problems.length);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('diff never throws and is empty for identical specs', () => {
    fc.assert(
      fc.property(spec, spec, (a, b) => {
        diffSpecs(a, b);
        expect(diffSpecs(a, structuredClone(a)).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
