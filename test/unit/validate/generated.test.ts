/**
 * Whatever tool list a server reports, the spec the generator builds for the GPT profile passes the
 * validator with zero errors and zero warnings (the generator and the validator agree on the rules).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogTool, ToolCatalog } from '../../../src/mcp/catalog.js';
import { buildSpec } from '../../../src/openapi/build-spec.js';
import { serializeSpec } from '../../../src/openapi/serialize.js';
import { validateSpecText } from '../../../src/validate/validate-spec.js';

const leaf = fc.oneof(
  fc.constant({ type: 'string' }),
  fc.constant({ type: 'integer', minimum: 0 }),
  fc.constant({ type: ['number', 'null'] }),
  fc.constant({ type: 'string', enum: ['a', 'b'] }),
  fc.constant({}),
  fc.constant({ type: 'object' }),
  fc.constant({ type: 'array' }),
  fc.constant({ type: 'object', additionalProperties: { type: 'string' } }),
  fc.constant({ anyOf: [{ type: 'string' }, { type: 'null' }] }),
  fc.constant({ $ref: '#/$defs/Node' }),
  fc.constant({ $ref: 'file:///etc/passwd' }),
  fc.string({ maxLength: 900 }).map((d) => ({ type: 'string', description: d })),
);
const schema = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), fc.record({ type: fc.constant('array'), items: tie('node') })),
  object: fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), tie('node'), { maxKeys: 4 }) }),
}));
const tool = fc.record({
  name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,20}$/), fc.string({ minLength: 1, maxLength: 80 })),
  description: fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
  inputSchema: schema.object.map((s) => ({ ...s, $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' }, v: { type: 'string' } } } } })),
  annotations: fc.option(fc.record({ readOnlyHint: fc.boolean() }), { nil: undefined }),
});

describe('generator output vs validator', () => {
  it('any catalog → a spec with zero errors and zero warnings under the GPT profile', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(tool, { maxLength: 6, selector: (t) => t.name }), async (tools) => {
        const catalog: ToolCatalog = { server: { name: 'fuzz', version: '1.0.0' }, tools: [...tools].sort((a, b) => (a.name < b.name ? -1 : 1)) as CatalogTool[] };
        const { spec } = buildSpec(catalog, { serverUrl: 'https://api.example.com' });
        const report = await validateSpecText(serializeSpec(spec, 'yaml'), 'fuzz.yaml');
        expect(report.problems).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
