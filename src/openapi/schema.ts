/**
 * The JSON Schema normaliser: any dialect an MCP server sends (2020-12, draft-07, 2019-09) → one
 * self-contained JSON Schema 2020-12 document whose local refs all point into its own `$defs`.
 * Dialect only: every constraint is kept; ChatGPT's own rules are applied later (gpt-rules.ts).
 * @see https://json-schema.org/draft/2020-12/release-notes (draft-07 → 2020-12 idioms)
 */
import type { JsonSchema } from '../mcp/catalog.js';
import type { SpecNote } from './notes.js';
import { compareNames, createResolver, safeSchemaName, type RefTarget } from './refs.js';
import { ILL_FORMED, inspectNode, replaceNonSchemas, WATCHED } from './non-schemas.js';
import { copySubschemas, forEachSubschema, isObject, setOwn, type SchemaNode } from './walk.js';

export type { SpecNote } from './notes.js';

const REF_KEYWORDS = ['$ref', '$recursiveRef', '$dynamicRef'] as const;
const DROPPED = new Set(['$schema', '$id', '$anchor', '$dynamicAnchor', '$recursiveAnchor', '$defs', 'definitions', '$vocabulary']);
/** The keywords translateNode changes; a node with none of them (and no tuple `items`) is kept as it is. */
const TRANSLATED = new Set([...DROPPED, ...REF_KEYWORDS, 'exclusiveMinimum', 'exclusiveMaximum', 'dependencies', 'additionalItems', 'nullable']);
const DEFS_KEYWORDS = ['$defs', 'definitions'];

/**
 * Normalises one tool schema. Local refs (pointers, anchors, `#`) are materialised as `$defs` entries
 * named after their last pointer segment; external refs (`file:`, `http:`, …) are replaced by a
 * permissive schema whose description says so, with a warning note.
 */
export function normalizeSchema(schema: JsonSchema, opts: { tool?: string } = {}): { schema: JsonSchema; notes: SpecNote[] } {
  const notes: SpecNote[] = [];
  const note = (level: SpecNote['level'], code: string, message: string) =>
    notes.push({ ...(opts.tool === undefined ? {} : { tool: opts.tool }), level, code, message });
  const root: JsonSchema = isObject(schema) ? schema : {};
  if (!isObject(schema)) note('warning', 'schema-not-object', 'the schema is not an object; any value is accepted');

  const resolve = createResolver(root);
  const names = new Map<string, string>(); // ref key → $defs name
  const taken = new Set<string>();
  const targets: { key: string; node: SchemaNode }[] = [];
  const targetOf = new Map<string, RefTarget>();

  const lookup = (ref: string): RefTarget => {
    let target = targetOf.get(ref);
    if (target) return target;
    target = resolve(ref);
    targetOf.set(ref, target);
    if (target.kind === 'local' && !names.has(target.key)) {
      let name = safeSchemaName(target.suggestedName);
      for (let n = 2; taken.has(name); n++) name = `${safeSchemaName(target.suggestedName)}_${n}`;
      taken.add(name);
      names.set(target.key, name);
      targets.push({ key: target.key, node: target.node });
      discover(target.node);
    }
    return target;
  };
  const visit = (node: JsonSchema) => {
    for (let r = 0; r < REF_KEYWORDS.length; r++) {
      const ref = node[REF_KEYWORDS[r]!];
      if (typeof ref === 'string') lookup(ref);
    }
  };
  const discover = (node: SchemaNode) => {
    if (!isObject(node)) return;
    visit(node);
    forEachSubschema(node, visit, DEFS_KEYWORDS);
  };

  const onInvalid = () => note('warning', 'invalid-schema', 'a subschema that is not a JSON Schema (e.g. "properties": {"a": 5}) was replaced by one that accepts any value');
  const rewriteRef = (ref: string): string | undefined => {
    const target = lookup(ref);
    if (target.kind === 'local') return `#/$defs/${names.get(target.key)!}`;
    note('warning', target.kind === 'external' ? 'external-ref' : 'unresolved-ref',
      target.kind === 'external'
        ? `the external $ref "${ref}" was not resolved; that part of the schema accepts any value`
        : `the $ref "${ref}" points nowhere in the schema; that part accepts any value`);
    return undefined;
  };
  // One look at a node's keys says whether it is well formed and whether it has anything to translate.
  // Refs are looked up as the walk reaches each node, parents first: the order a separate discovery walk
  // (visit, then forEachSubschema) would take, so definitions get the same names. A node that is not well
  // formed is discovered whole first, as written: that walk also enters what replaceNonSchemas drops.
  const translate = (node: SchemaNode): SchemaNode => {
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    const flags = inspectNode(node, TRANSLATED, keys);
    if (flags & ILL_FORMED) discover(node);
    else if (flags & WATCHED) visit(node);
    const inner = flags & ILL_FORMED
      ? copySubschemas(replaceNonSchemas(node, onInvalid), translate, DEFS_KEYWORDS)
      : copySubschemas(node, translate, DEFS_KEYWORDS, keys);
    return flags & WATCHED || Array.isArray(inner.items) ? translateNode(inner, rewriteRef) : inner;
  };

  const out = translate(root) as JsonSchema;
  if (targets.length > 0) {
    const defs: JsonSchema = {};
    const sorted = [...targets].sort((a, b) => compareNames(names.get(a.key)!, names.get(b.key)!));
    for (const t of sorted) defs[names.get(t.key)!] = translate(t.node);
    out.$defs = defs;
  }
  return { schema: out, notes: dedupeNotes(notes) };
}

/**
 * Translates the keywords of one node (its subschemas are already translated). `rewriteRef` returns
 * the new local ref, or undefined when the ref cannot be resolved (the node becomes permissive).
 * Returns `node` itself (a fresh copy made by the caller) when there is nothing to translate.
 */
function translateNode(node: JsonSchema, rewriteRef: (ref: string) => string | undefined): JsonSchema {
  const tupleItems = Array.isArray(node.items);
  if (!tupleItems && !Object.keys(node).some((k) => TRANSLATED.has(k))) return node;
  const out: JsonSchema = {};
  const keys = Object.keys(node);
  for (let w = 0; w < keys.length; w++) {
    const key = keys[w]!;
    const value = node[key];
    if (DROPPED.has(key)) continue;
    if ((REF_KEYWORDS as readonly string[]).includes(key) && typeof value === 'string') {
      const ref = rewriteRef(value);
      if (ref !== undefined) out.$ref = ref;
      else out.description = appendSentence(node.description, `Any value: the referenced schema "${value}" was not resolved.`);
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof node[bound] === 'number') setOwn(out, key, node[bound]);
    } else if ((key === 'minimum' || key === 'maximum') && node[key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true) {
      // folded into the exclusive bound above
    } else if (key === 'dependencies' && isObject(value)) {
      for (const [prop, dep] of Object.entries(value)) {
        const target = Array.isArray(dep) ? 'dependentRequired' : 'dependentSchemas';
        const map = (isObject(out[target]) ? out[target] : isObject(node[target]) ? { ...node[target] } : {}) as JsonSchema;
        setOwn(map, prop, dep);
        setOwn(out, target, map);
      }
    } else if (key === 'items' && tupleItems) {
      out.prefixItems = value;
      if (node.additionalItems !== undefined) out.items = node.additionalItems;
    } else if (key === 'additionalItems') {
      // draft-07: only meaningful with tuple `items`, translated above
    } else if (key === 'description' && out.description !== undefined) {
      // already set by an unresolved ref
    } else {
      setOwn(out, key, value);
    }
  }
  if (out.nullable === true && (typeof out.type === 'string' || Array.isArray(out.type))) {
    // an OpenAPI 3.0 idiom some servers emit
    const types = Array.isArray(out.type) ? out.type : [out.type];
    out.type = types.includes('null') ? types : [...types, 'null'];
    delete out.nullable;
  }
  return out;
}

export function appendSentence(text: unknown, sentence: string): string {
  return typeof text === 'string' && text.trim() !== '' ? `${text.trim()} ${sentence}` : sentence;
}

function dedupeNotes(notes: SpecNote[]): SpecNote[] {
  if (notes.length < 2) return notes;
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.code}\0${n.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
