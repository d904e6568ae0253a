/**
 * Rules about schemas: components.schemas present, objects with properties, arrays with items, no circular
 * or external $ref.
 * @see platform-facts.md "components.schemas must be an object; bare `type: object` without properties ->
 *      object schema missing properties; recursive schema -> Components section contains a circular dependency".
 */
import { collectRefs, refPointer, type RefSite } from '../local-refs.js';
import { isObject, toPointer } from '../pointer.js';
import type { Finding, Rule } from '../types.js';
import { walkSpecSchemas } from '../walk-schemas.js';

function types(schema: Record<string, unknown>): string[] {
  const t = schema['type'];
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** A schema whose shape comes from elsewhere ($ref or a combinator) is not "bare". */
function composed(schema: Record<string, unknown>): boolean {
  return ['$ref', 'allOf', 'anyOf', 'oneOf'].some((k) => schema[k] !== undefined);
}

function schemaFindings(test: (s: Record<string, unknown>) => string | undefined): Rule['check'] {
  return (ctx) => {
    const out: Finding[] = [];
    walkSpecSchemas(ctx.spec, (schema, path) => {
      const message = test(schema);
      if (message) out.push({ pointer: toPointer(path), message });
    });
    return out;
  };
}

/** Cycles in the graph "ref target → refs written inside that target". One finding per cycle. */
function findCycles(spec: unknown): Finding[] {
  const refs = collectRefs(spec).local.filter((r) => r.target !== undefined);
  const key = (path: readonly string[]) => toPointer(path);
  const within = (site: RefSite, target: readonly string[]) => target.every((t, i) => site.path[i] === t);
  const edges = new Map<string, RefSite[]>();
  const edgesOf = (target: readonly string[]): RefSite[] => {
    const k = key(target);
    if (!edges.has(k)) edges.set(k, refs.filter((r) => within(r, target)));
    return edges.get(k)!;
  };
  const state = new Map<string, 'active' | 'done'>();
  const stack: { node: string; via?: RefSite }[] = [];
  const reported = new Set<string>();
  const out: Finding[] = [];
  const visit = (target: string[], via?: RefSite): void => {
    const k = key(target);
    if (state.get(k) === 'active') {
      const from = stack.findIndex((s) => s.node === k);
      const cycle = stack.slice(from).map((s) => s.node);
      const id = [...cycle].sort().join(' ');
      if (!reported.has(id) && via) {
        reported.add(id);
        out.push({ pointer: refPointer(via), message: `circular $ref: ${[...cycle, k].map((n) => `#${n}`).join(' → ')}` });
      }
      return;
    }
    if (state.get(k) === 'done') return;
    state.set(k, 'active');
    stack.push({ node: k, via });
    for (const site of edgesOf(target)) visit(site.target!, site);
    stack.pop();
    state.set(k, 'done');
  };
  for (const r of refs) visit(r.target!);
  return out;
}

export const schemaRules: Rule[] = [
  {
    id: 'components-schemas',
    severity: 'error',
    description: '`components.schemas` is present (an object)',
    hint: 'add `components: { schemas: {} }` (the GPT builder requires the schemas section)',
    check: (ctx) => {
      const c = ctx.spec['components'];
      if (!isObject(c)) return [{ pointer: c === undefined ? '' : '/components', message: 'components.schemas is missing' }];
      if (isObject(c['schemas'])) return [];
      return [{ pointer: c['schemas'] === undefined ? '/components' : '/components/schemas', message: 'components.schemas is missing or not an object' }];
    },
  },
  {
    id: 'object-properties',
    severity: 'error',
    description: 'every `type: object` schema has `properties`',
    hint: 'add `properties` (an empty `properties: {}` is accepted); the GPT builder rejects "object schema missing properties"',
    check: schemaFindings((s) =>
      types(s).includes('object') && s['properties'] === undefined && !composed(s) ? 'object schema missing properties' : undefined,
    ),
  },
  {
    id: 'array-items',
    severity: 'error',
    description: 'every `type: array` schema has `items`',
    hint: 'add `items` describing the elements (e.g. `items: {}` for anything)',
    check: schemaFindings((s) =>
      types(s).includes('array') && s['items'] === undefined && s['prefixItems'] === undefined && !composed(s) ? 'array schema missing items' : undefined,
    ),
  },
  {
    id: 'circular-ref',
    severity: 'error',
    description: 'no circular $ref',
    hint: 'break the cycle (e.g. replace the inner $ref by an inline schema limited to a few levels); the GPT builder rejects "a circular dependency"',
    check: (ctx) => findCycles(ctx.spec),
  },
  {
    id: 'ref-external',
    severity: 'error',
    description: 'every $ref is local (#/…)',
    hint: 'inline the referenced schema or move it under components.schemas: external $refs are never resolved',
    check: (ctx) =>
      collectRefs(ctx.spec).external.map((r) => ({ pointer: refPointer(r), message: `$ref "${r.ref}" points outside this document` })),
  },
];
