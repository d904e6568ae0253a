/**
 * The last steps of a strict conversion: definitions no `$ref` reaches leave the schema (with the notes about
 * them), and the codec keeps only what is encoded, with the definitions it reaches. Pure.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import type { ArgumentCodec, FunctionCodec } from './codec.js';
import { defineOwn, isObject, pointer, resolveLocalRef, type FunctionNote } from './strict-keywords.js';

/**
 * Definitions no `$ref` reaches any more (their only users went out whole as JSON) leave the schema, and so do the
 * notes about them: the notes describe the schema that is emitted. Changes `schema` in place; returns the notes kept.
 */
export function dropUnusedDefinitions(schema: JsonSchema, notes: FunctionNote[]): FunctionNote[] {
  const used = new Set<string>();
  const visit = (node: unknown, skipDefs: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, false));
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string' && !used.has(node.$ref)) {
      used.add(node.$ref);
      visit(resolveLocalRef(schema, node.$ref), false);
    }
    for (const [key, value] of Object.entries(node)) if (!(skipDefs && (key === '$defs' || key === 'definitions'))) visit(value, false);
  };
  visit(schema, true);
  const dropped: string[] = [];
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = schema[key];
    if (!isObject(defs)) continue;
    for (const name of Object.keys(defs)) {
      const ref = pointer([key, name]);
      if (!used.has(ref)) {
        delete defs[name];
        dropped.push(ref);
      }
    }
    if (Object.keys(defs).length === 0) delete schema[key];
  }
  return notes.filter((n) => !dropped.some((ref) => n.message.startsWith(`${ref}/`) || n.message.startsWith(`${ref}:`)));
}

/** The function's codec: the root's, with the definitions it can reach; `$ref`s to plain definitions dropped. */
export function finishCodec(codec: ArgumentCodec | undefined, defs: Record<string, ArgumentCodec>): FunctionCodec {
  const live = new Map<string, boolean>();
  const encodes = (c: ArgumentCodec | undefined, seen: ReadonlySet<string>): boolean => {
    if (c === undefined) return false;
    if (c.as !== undefined || c.extra !== undefined) return true;
    if (c.ref !== undefined) {
      if (seen.has(c.ref)) return false;
      if (!live.has(c.ref)) live.set(c.ref, encodes(Object.hasOwn(defs, c.ref) ? defs[c.ref] : undefined, new Set([...seen, c.ref])));
      return live.get(c.ref)!;
    }
    return encodes(c.items, seen) || encodes(c.value, seen) || Object.values(c.properties ?? {}).some((p) => encodes(p, seen));
  };
  const prune = (c: ArgumentCodec | undefined): ArgumentCodec | undefined => {
    if (c === undefined || !encodes(c, new Set())) return undefined;
    if (c.ref !== undefined || c.as === 'json') return c;
    const out: ArgumentCodec = {};
    if (c.as !== undefined) out.as = c.as;
    const value = prune(c.value);
    if (value) out.value = value;
    if (c.properties) {
      const properties: Record<string, ArgumentCodec> = {};
      for (const [k, v] of Object.entries(c.properties)) {
        const p = prune(v);
        if (p) defineOwn(properties, k, p);
      }
      if (Object.keys(properties).length) out.properties = properties;
    }
    if (c.extra) out.extra = { ...c.extra, ...(c.extra.value ? { value: prune(c.extra.value) } : {}) };
    if (out.extra && out.extra.value === undefined) delete out.extra.value;
    const items = prune(c.items);
    if (items) out.items = items;
    return out;
  };
  const root = prune(codec) ?? {};
  const used: Record<string, ArgumentCodec> = {};
  const collect = (c: ArgumentCodec | undefined): void => {
    if (c === undefined) return;
    if (c.ref !== undefined && !Object.hasOwn(used, c.ref) && Object.hasOwn(defs, c.ref)) {
      const pruned = prune(defs[c.ref]);
      if (pruned) {
        defineOwn(used, c.ref, pruned);
        collect(pruned);
      }
    }
    collect(c.items);
    collect(c.value);
    collect(c.extra?.value);
    for (const p of Object.values(c.properties ?? {})) collect(p);
  };
  collect(root);
  const keys = Object.keys(used).sort();
  if (keys.length === 0) return root;
  const sorted: Record<string, ArgumentCodec> = {};
  for (const k of keys) defineOwn(sorted, k, used[k]);
  return { ...root, defs: sorted };
}
