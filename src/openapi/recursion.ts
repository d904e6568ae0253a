/**
 * Unrolls recursive schemas to a bounded depth (ChatGPT rejects circular component graphs:
 * "Components section contains a circular dependency"). Refs to definitions that take part in a cycle
 * are inlined; past the depth bound the ref is cut and replaced by a permissive schema whose description
 * says so. Definitions outside every cycle stay as refs.
 * @see platform-facts.md "recursive schema -> Components section contains a circular dependency"
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { isObject, mapSubschemas, forEachSubschema, type SchemaNode } from './walk.js';

export const DEFAULT_RECURSION_DEPTH = 3;
/** Past this many characters the unrolled schema is retried with a smaller depth. */
const SIZE_BUDGET = 30_000;
const LOCAL = '#/$defs/';
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

export interface UnrollResult {
  schema: JsonSchema;
  /** Names of the recursive definitions that were unrolled (empty when the schema has no cycle). */
  recursive: string[];
  depth: number;
}

function refName(node: JsonSchema): string | undefined {
  return typeof node.$ref === 'string' && node.$ref.startsWith(LOCAL) ? node.$ref.slice(LOCAL.length) : undefined;
}

/** Definitions that can reach themselves through refs. */
export function findRecursiveDefs(defs: JsonSchema): Set<string> {
  const edges = new Map<string, Set<string>>();
  for (const [name, def] of Object.entries(defs)) {
    const out = new Set<string>();
    const visit = (n: JsonSchema) => { const r = refName(n); if (r !== undefined) out.add(r); };
    if (isObject(def)) { visit(def); forEachSubschema(def, visit); }
    edges.set(name, out);
  }
  const recursive = new Set<string>();
  for (const start of edges.keys()) {
    const seen = new Set<string>();
    const stack = [...(edges.get(start) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === start) { recursive.add(start); break; }
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(edges.get(n) ?? []));
    }
  }
  return recursive;
}

/** Unrolls every cycle of `schema` (a normalised schema with local `$defs`). */
export function unrollRecursion(schema: JsonSchema, maxDepth = DEFAULT_RECURSION_DEPTH): UnrollResult {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const recursive = findRecursiveDefs(defs);
  if (recursive.size === 0) return { schema, recursive: [], depth: maxDepth };
  for (let depth = maxDepth; ; depth--) {
    const out = unrollAt(schema, defs, recursive, depth);
    if (depth <= 1 || JSON.stringify(out).length <= SIZE_BUDGET) {
      return { schema: out, recursive: [...recursive].sort(), depth };
    }
  }
}

function unrollAt(schema: JsonSchema, defs: JsonSchema, recursive: Set<string>, maxDepth: number): JsonSchema {
  // `seen` counts how often each recursive definition was inlined on the current path
  const expand = (node: SchemaNode, seen: ReadonlyMap<string, number>): SchemaNode => {
    if (!isObject(node)) return node;
    const name = refName(node);
    if (name === undefined || !recursive.has(name)) return mapSubschemas(node, (s) => expand(s, seen), ['$defs']);
    const { $ref: _ref, ...siblings } = node;
    const target = defs[name];
    const count = seen.get(name) ?? 0;
    if (count >= maxDepth) return cut(name, target, siblings, maxDepth);
    const inlined = expand(isObject(target) ? target : {}, new Map(seen).set(name, count + 1));
    return mergeSiblings(inlined, siblings);
  };
  const { $defs: _defs, ...root } = schema;
  const out = expand(root, new Map()) as JsonSchema;
  const kept: JsonSchema = {};
  for (const [name, def] of Object.entries(defs)) if (!recursive.has(name)) kept[name] = expand(def as SchemaNode, new Map());
  // keep only the definitions still reachable from the root
  const used = new Set<string>();
  const queue: SchemaNode[] = [out];
  while (queue.length > 0) {
    const node = queue.pop()!;
    if (!isObject(node)) continue;
    const visit = (n: JsonSchema) => {
      const r = refName(n);
      if (r !== undefined && !used.has(r) && r in kept) { used.add(r); queue.push(kept[r] as SchemaNode); }
    };
    visit(node);
    forEachSubschema(node, visit);
  }
  const finalDefs: JsonSchema = {};
  for (const name of Object.keys(kept)) if (used.has(name)) finalDefs[name] = kept[name];
  if (Object.keys(finalDefs).length > 0) out.$defs = finalDefs;
  return out;
}

function cut(name: string, target: unknown, siblings: JsonSchema, depth: number): JsonSchema {
  const out: JsonSchema = { ...siblings };
  const type = isObject(target) ? target.type : undefined;
  if (typeof type === 'string') out.type = type;
  const text = `Recursive structure "${name}" cut after ${depth} levels: any value is accepted here.`;
  out.description = typeof siblings.description === 'string' ? `${siblings.description} ${text}` : text;
  return out;
}

/** Inlined definition + the annotations that sat next to its `$ref`. */
function mergeSiblings(inlined: SchemaNode, siblings: JsonSchema): SchemaNode {
  if (Object.keys(siblings).length === 0) return inlined;
  if (isObject(inlined) && Object.keys(siblings).every((k) => ANNOTATIONS.has(k))) return { ...inlined, ...siblings };
  return { ...siblings, allOf: [inlined] };
}
