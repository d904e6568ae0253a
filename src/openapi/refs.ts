/**
 * Local `$ref` resolution inside one schema document: JSON pointers (`#/$defs/A`, `#/properties/x`),
 * anchors (`#name`), and absolute refs that repeat the document's own `$id`. Anything else is external
 * and is never resolved (no file or network access, ever).
 * @see https://json-schema.org/draft/2020-12/json-schema-core#section-8.2.3.1
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { forEachSubschema, isObject, type SchemaNode } from './walk.js';

export type RefTarget =
  | { kind: 'local'; key: string; node: SchemaNode; suggestedName: string }
  | { kind: 'external' }
  | { kind: 'missing' };

/** Resolves refs against a document; its anchors are indexed once, at the first anchor ref (most documents have none). */
export function createResolver(root: JsonSchema): (ref: string) => RefTarget {
  let index: Map<string, JsonSchema> | undefined;
  const anchors = (): Map<string, JsonSchema> => {
    if (index !== undefined) return index;
    const found = new Map<string, JsonSchema>();
    const visit = (node: JsonSchema) => {
      for (const k of ['$anchor', '$dynamicAnchor']) {
        const name = node[k];
        if (typeof name === 'string' && !found.has(name)) found.set(name, node);
      }
    };
    visit(root);
    forEachSubschema(root, visit);
    return (index = found);
  };
  const baseId = typeof root.$id === 'string' ? root.$id.split('#')[0] : undefined;

  return (ref: string) => {
    let fragment: string;
    if (ref.startsWith('#')) fragment = ref.slice(1);
    else if (baseId && ref.split('#')[0] === baseId) fragment = ref.slice(baseId.length + 1);
    else return { kind: 'external' };
    if (fragment === '' || fragment.startsWith('/')) {
      const node = resolvePointer(root, fragment);
      if (node === undefined) return { kind: 'missing' };
      const segments = fragment.split('/').filter((s) => s !== '');
      const last = segments.length > 0 ? decodeSegment(segments[segments.length - 1]!) : 'Root';
      return { kind: 'local', key: `#${fragment}`, node, suggestedName: last };
    }
    let anchor = fragment;
    try {
      anchor = decodeURIComponent(fragment);
    } catch {
      // a malformed escape: look the anchor up as written
    }
    const node = anchors().get(anchor);
    return node ? { kind: 'local', key: `#${fragment}`, node, suggestedName: fragment } : { kind: 'missing' };
  };
}

function decodeSegment(segment: string): string {
  // nothing to decode (the usual `$defs` name): returned as it is, no regex or exception handler needed
  if (!segment.includes('%') && !segment.includes('~')) return segment;
  let s = segment;
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep the raw segment
  }
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Follows a JSON pointer (`/a/b/0`) from `root`; undefined when any step is missing or not a schema. */
export function resolvePointer(root: JsonSchema, pointer: string): SchemaNode | undefined {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = decodeSegment(raw);
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return isObject(node) || typeof node === 'boolean' ? node : undefined;
}

/** A name safeSchemaName keeps as it is: allowed characters only, no `_` at either end, at most 100 long. */
const SAFE_NAME = /^(?:[A-Za-z0-9.-]|[A-Za-z0-9.-][A-Za-z0-9._-]{0,98}[A-Za-z0-9.-])$/;

/** A name that is safe as a `components.schemas` key (`^[a-zA-Z0-9._-]+$`). */
export function safeSchemaName(name: string): string {
  if (SAFE_NAME.test(name)) return name;
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return s === '' ? 'Schema' : s.slice(0, 100);
}

const LETTERS = /^[A-Za-z]+$/;

/**
 * `a.localeCompare(b, 'en')`, the order of `$defs` names, without loading ICU's collator (milliseconds on
 * a process's first comparison) for the common names made of ASCII letters only. Their English order:
 * alphabetical ignoring case, a prefix first; for the same letters, lowercase first at the first place
 * the case differs. Anything else goes to localeCompare.
 */
export function compareNames(a: string, b: string): number {
  if (!LETTERS.test(a) || !LETTERS.test(b)) return a.localeCompare(b, 'en');
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] === lowerA[i] ? -1 : 1;
  return 0;
}
