/**
 * Schema positions that hold something other than a schema (a server bug, e.g. `"properties": {"a": 5}`)
 * are replaced by `{}`, which accepts any value. Well-formed nodes, the common case, are returned as they are.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { ARRAY_KEYWORDS, MAP_KEYWORDS, SINGLE_KEYWORDS, isObject, setOwn, subschemaKind } from './walk.js';

const MAP_OR_DEPENDENCIES = [...MAP_KEYWORDS, 'dependencies'];
const SINGLE = new Set<string>(SINGLE_KEYWORDS);
const MAPS = new Set<string>(MAP_OR_DEPENDENCIES);
const ARRAYS = new Set<string>(ARRAY_KEYWORDS);
const ok = (v: unknown) => isObject(v) || typeof v === 'boolean';

/** True when every schema position of `node` holds a schema: the common case, checked on its own keys only. */
function wellFormed(node: JsonSchema): boolean {
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (v === undefined) continue;
    if (SINGLE.has(k)) {
      if (!ok(v) && !(k === 'items' && Array.isArray(v) && v.every(ok))) return false;
    } else if (MAPS.has(k)) {
      if (!isObject(v)) return false;
      for (const s of Object.values(v)) if (!ok(s) && !(k === 'dependencies' && Array.isArray(s))) return false;
    } else if (ARRAYS.has(k)) {
      if (!Array.isArray(v) || !v.every(ok)) return false;
    }
  }
  return true;
}

/** inspectNode flags: a schema position holds something else; a key is one of the watched keywords. */
export const ILL_FORMED = 1;
export const WATCHED = 2;

/**
 * One pass over the node's own keys (`keys`: `Object.keys(node)`): ILL_FORMED when wellFormed would say no,
 * WATCHED when a key (present even with an undefined value) is in `watch`. Once ILL_FORMED is found,
 * WATCHED is also set (unchecked).
 */
export function inspectNode(node: JsonSchema, watch: ReadonlySet<string>, keys = Object.keys(node)): number {
  let flags = 0;
  for (let w = 0; w < keys.length; w++) {
    const k = keys[w]!;
    if (watch.has(k)) flags |= WATCHED;
    const kind = subschemaKind(k);
    if (kind === undefined) continue;
    const v = node[k];
    if (v === undefined) continue;
    if (kind === 'single') {
      if (!ok(v) && !(k === 'items' && Array.isArray(v) && v.every(ok))) return ILL_FORMED | WATCHED;
    } else if (kind === 'map') {
      if (!isObject(v)) return ILL_FORMED | WATCHED;
      const names = Object.keys(v);
      for (let m = 0; m < names.length; m++) {
        const s = v[names[m]!];
        if (!ok(s) && !(k === 'dependencies' && Array.isArray(s))) return ILL_FORMED | WATCHED;
      }
    } else if (!Array.isArray(v) || !v.every(ok)) {
      return ILL_FORMED | WATCHED;
    }
  }
  return flags;
}

/** Schema positions holding something that is not a schema (a server bug) get `{}`. */
export function replaceNonSchemas(node: JsonSchema, onReplace: () => void): JsonSchema {
  if (wellFormed(node)) return node;
  let out = node;
  const fix = (key: string, value: unknown) => {
    if (out === node) out = { ...node };
    onReplace();
    setOwn(out, key, value);
  };
  for (const k of SINGLE_KEYWORDS) {
    const v = node[k];
    if (v !== undefined && !ok(v) && !(k === 'items' && Array.isArray(v))) fix(k, {});
  }
  for (const k of MAP_OR_DEPENDENCIES) {
    const v = node[k];
    if (v === undefined) continue;
    if (!isObject(v)) fix(k, {});
    else if (Object.values(v).some((s) => !ok(s) && !(k === 'dependencies' && Array.isArray(s)))) {
      const map: JsonSchema = {};
      for (const [name, s] of Object.entries(v)) setOwn(map, name, ok(s) || (k === 'dependencies' && Array.isArray(s)) ? s : {});
      fix(k, map);
    }
  }
  for (const k of [...ARRAY_KEYWORDS, ...(Array.isArray(node.items) ? ['items'] : [])]) {
    const v = node[k];
    if (v === undefined) continue;
    if (!Array.isArray(v)) fix(k, [{}]);
    else if (v.some((s) => !ok(s))) fix(k, v.map((s) => (ok(s) ? s : {})));
  }
  return out;
}
