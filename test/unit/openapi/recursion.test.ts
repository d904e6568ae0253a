import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/mcp/catalog.js';
import { findRecursiveDefs, unrollRecursion } from '../../../src/openapi/recursion.js';

const depthOf = (schema: unknown, key: string): number => {
  // how many nested `key` properties before the cut
  let n = 0;
  let node = schema as JsonSchema | undefined;
  while (node && (node.properties as Record<string, JsonSchema> | undefined)?.[key]) {
    node = (node.properties as Record<string, JsonSchema>)[key];
    n++;
  }
  return n;
};

describe('findRecursiveDefs', () => {
  it.each([
    ['no refs', { A: { type: 'string' } }, []],
    ['self loop', { A: { properties: { a: { $ref: '#/$defs/A' } } } }, ['A']],
    ['mutual', { A: { $ref: '#/$defs/B' }, B: { items: { $ref: '#/$defs/A' } }, C: { $ref: '#/$defs/A' } }, ['A', 'B']],
    ['chain without a cycle', { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/C' }, C: {} }, []],
  ])('%s', (_n, defs, want) => {
    expect([...findRecursiveDefs(defs as JsonSchema)].sort()).toEqual(want);
  });
});

describe('unrollRecursion', () => {
  const list: JsonSchema = {
    type: 'object',
    properties: { head: { $ref: '#/$defs/Node' } },
    $defs: { Node: { type: 'object', properties: { value: { type: 'integer', minimum: 0 }, next: { $ref: '#/$defs/Node' } }, required: ['value'] }, Unused: { type: 'string' } },
  };

  it('inlines a self-recursive definition to the depth bound and cuts it with a described permissive schema', () => {
    const { schema, recursive, depth } = unrollRecursion(list, 3);
    expect(recursive).toEqual(['Node']);
    expect(depth).toBe(3);
    const head = (schema.properties as Record<string, JsonSchema>).head!;
    expect(depthOf(head, 'next')).toBe(3);
    const cut = (((head.properties as any).next.properties.next.properties.next) as JsonSchema);
    expect(cut).toEqual({ type: 'object', description: 'Recursive structure "Node" cut after 3 levels: any value is accepted here.' });
    expect(JSON.stringify(schema)).not.toContain('$ref');
    expect(schema.$defs).toBeUndefined();
  });

  it('leaves a schema without cycles untouched', () => {
    const s: JsonSchema = { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } } };
    expect(unrollRecursion(s)).toEqual({ schema: s, recursive: [], depth: 3 });
  });

  it('keeps non-recursive definitions as refs next to an unrolled one', () => {
    const s: JsonSchema = { type: 'object', properties: { t: { $ref: '#/$defs/T' } }, $defs: { T: { type: 'object', properties: { leaf: { $ref: '#/$defs/Leaf' }, kids: { type: 'array', items: { $ref: '#/$defs/T' } } } }, Leaf: { enum: [1, 2] } } };
    const { schema } = unrollRecursion(s, 2);
    expect(schema.$defs).toEqual({ Leaf: { enum: [1, 2] } });
    expect(JSON.stringify(schema)).toContain('"#/$defs/Leaf"');
    expect(JSON.stringify(schema)).not.toContain('"#/$defs/T"');
  });

  it('keeps the annotations that sat next to the ref', () => {
    const s: JsonSchema = { type: 'object', properties: { n: { $ref: '#/$defs/N', description: 'The head.' } }, $defs: { N: { type: 'object', properties: { n: { $ref: '#/$defs/N' } } } } };
    const { schema } = unrollRecursion(s, 1);
    expect((schema.properties as any).n.description).toBe('The head.');
    expect((schema.properties as any).n.type).toBe('object');
  });

  it('shrinks the depth when a branching recursion would blow up', () => {
    const props: Record<string, JsonSchema> = {};
    for (let i = 0; i < 12; i++) props[`k${i}`] = { $ref: '#/$defs/T' };
    const s: JsonSchema = { type: 'object', properties: { t: { $ref: '#/$defs/T' } }, $defs: { T: { type: 'object', properties: props } } };
    const { schema, depth } = unrollRecursion(s, 3);
    expect(depth).toBeLessThan(3);
    expect(JSON.stringify(schema).length).toBeLessThan(100_000);
  });
});
