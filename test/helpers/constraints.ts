/**
 * Constraint bookkeeping for fidelity tests: every constraint keyword/value pair in a tool's original
 * schema must still be found somewhere in the generated spec.
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { stableStringify } from '../../src/openapi/walk.js';
import { specSchemas } from './gpt-import-rules.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const CONSTRAINTS = [
  'enum', 'const', 'format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength',
  'maxLength', 'minItems', 'maxItems', 'multipleOf', 'uniqueItems', 'default', 'examples', 'required',
  'minProperties', 'maxProperties',
];

/** Walks the schema from its root, following local refs into `$defs` / `definitions` (each once). */
function walk(root: unknown, fn: (n: Obj) => void): void {
  const defs = (isObj(root) ? { ...(root.definitions as Obj), ...(root.$defs as Obj) } : {}) as Obj;
  const followed = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObj(node)) return;
    fn(node);
    const ref = typeof node.$ref === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(node.$ref)?.[1] : undefined;
    if (ref !== undefined && !followed.has(ref)) {
      followed.add(ref);
      visit(defs[ref]);
    }
    for (const [k, v] of Object.entries(node)) {
      if (['enum', 'const', 'default', 'examples', 'required', '$defs', 'definitions'].includes(k)) continue;
      if (['properties', 'patternProperties', 'dependentSchemas', 'dependencies'].includes(k) && isObj(v)) Object.values(v).forEach(visit);
      else visit(v);
    }
  };
  visit(root);
}

/** `keyword=value` strings of a schema, draft-07 boolean exclusive bounds read as 2020-12 numbers. */
export function constraintsOf(schema: unknown): Set<string> {
  const out = new Set<string>();
  walk(schema, (n) => {
    for (const k of CONSTRAINTS) {
      if (!(k in n)) continue;
      let v = n[k];
      if (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') {
        if (v === false) continue;
        if (v === true) v = n[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'];
      }
      if ((k === 'minimum' && n.exclusiveMinimum === true) || (k === 'maximum' && n.exclusiveMaximum === true)) continue;
      out.add(`${k}=${stableStringify(v)}`);
    }
  });
  return out;
}

/** Constraints of `original` not found anywhere in the spec's schemas. */
export function missingConstraints(original: unknown, spec: OpenAPIObject): string[] {
  const present = new Set<string>();
  for (const [, s] of specSchemas(spec)) for (const c of constraintsOf(s)) present.add(c);
  return [...constraintsOf(original)].filter((c) => !present.has(c));
}
