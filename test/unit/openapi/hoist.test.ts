import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/mcp/catalog.js';
import { hoistDefinitions } from '../../../src/openapi/hoist.js';

const address = { type: 'object', properties: { city: { type: 'string' }, country: { $ref: '#/$defs/Country' } } };
const country = { enum: ['PT', 'ES'] };
const tool = (props: JsonSchema, defs: JsonSchema): { schema: JsonSchema } => ({ schema: { type: 'object', properties: props, $defs: defs } });

describe('hoistDefinitions', () => {
  it('moves $defs into components and rewrites refs', () => {
    const { schemas, components } = hoistDefinitions([tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: country })]);
    expect(schemas[0]).toEqual({ type: 'object', properties: { a: { $ref: '#/components/schemas/Address' } } });
    expect(components).toEqual({
      Address: { type: 'object', properties: { city: { type: 'string' }, country: { $ref: '#/components/schemas/Country' } } },
      Country: country,
    });
  });

  it('emits a definition shared by several tools once', () => {
    const { components, schemas } = hoistDefinitions([
      tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: country }),
      tool({ b: { $ref: '#/$defs/Address' } }, { Address: address, Country: country }),
    ]);
    expect(Object.keys(components)).toEqual(['Address', 'Country']);
    expect(JSON.stringify(schemas[1])).toContain('#/components/schemas/Address"');
  });

  it('gives a same-named but different definition a new, stable name', () => {
    const units = [
      tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: country }),
      tool({ b: { $ref: '#/$defs/Address' } }, { Address: { type: 'string' } }),
    ];
    const first = hoistDefinitions(units);
    expect(Object.keys(first.components)).toEqual(['Address', 'Address_2', 'Country']);
    expect(first.schemas[1]).toEqual({ type: 'object', properties: { b: { $ref: '#/components/schemas/Address_2' } } });
    expect(hoistDefinitions(units)).toEqual(first);
  });

  it('does not share definitions whose referenced definitions differ', () => {
    const { components } = hoistDefinitions([
      tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: country }),
      tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: { enum: ['FR'] } }),
    ]);
    expect(Object.keys(components)).toEqual(['Address', 'Address_2', 'Country', 'Country_2']);
    expect((components.Address_2!.properties as any).country.$ref).toBe('#/components/schemas/Country_2');
  });

  it('never takes a reserved name', () => {
    const { components, schemas } = hoistDefinitions([tool({ e: { $ref: '#/$defs/Error' } }, { Error: { type: 'string' } })], ['Error']);
    expect(Object.keys(components)).toEqual(['Error_2']);
    expect((schemas[0]!.properties as any).e.$ref).toBe('#/components/schemas/Error_2');
  });

  it('in place gives the same result as on a copy', () => {
    const units = () => [
      tool({ a: { $ref: '#/$defs/Address' } }, { Address: address, Country: country }),
      tool({ b: { $ref: '#/$defs/Address' }, c: { anyOf: [{ $ref: '#/$defs/Country' }] } }, { Address: structuredClone(address), Country: { enum: ['FR'] } }),
    ];
    const copied = units();
    const before = JSON.stringify(copied);
    const want = hoistDefinitions(copied);
    expect(JSON.stringify(copied)).toBe(before); // the copying form leaves its input alone
    expect(JSON.stringify(hoistDefinitions(structuredClone(units()), [], true))).toBe(JSON.stringify(want));
  });

  it('turns boolean definitions into objects', () => {
    const { components } = hoistDefinitions([tool({ a: { $ref: '#/$defs/Any' }, n: { $ref: '#/$defs/None' } }, { Any: true, None: false })]);
    expect(components).toEqual({ Any: {}, None: { not: {} } });
  });
});
