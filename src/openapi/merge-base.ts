/**
 * Template merge: `templates/openapi.base.yaml` (or `--template FILE`) supplies defaults such as
 * contact, license and external docs; the generated spec wins on every key. Keys that would change what
 * the adapter serves or how it authenticates are ignored, with a note.
 */
import type { SpecNote } from './notes.js';
import { isObject, setOwn } from './walk.js';

const IGNORED_TOP = ['openapi', 'paths', 'servers', 'security', 'webhooks', 'jsonSchemaDialect'];

/** Deep merge of plain objects: `over` wins; arrays and scalars are replaced, never concatenated. */
export function mergeUnder(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    setOwn(out, k, isObject(b) && isObject(v) ? mergeUnder(b, v) : v);
  }
  for (const [k, v] of Object.entries(base)) if (!Object.hasOwn(out, k)) setOwn(out, k, v);
  return out;
}

/** Merges the template `base` under `spec`; returns the merged spec and notes for ignored keys. */
export function mergeBase(spec: Record<string, unknown>, base: Record<string, unknown> | undefined): { spec: Record<string, unknown>; notes: SpecNote[] } {
  if (!base || Object.keys(base).length === 0) return { spec, notes: [] };
  const notes: SpecNote[] = [];
  const cleaned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) {
    if (IGNORED_TOP.includes(k)) {
      notes.push({ level: 'warning', code: 'template-key-ignored', message: `the template's "${k}" is ignored: mcp-actions generates it` });
    } else if (k === 'components' && isObject(v) && 'securitySchemes' in v) {
      const { securitySchemes: _s, ...rest } = v;
      notes.push({ level: 'warning', code: 'template-key-ignored', message: 'the template\'s "components.securitySchemes" is ignored: use --auth' });
      setOwn(cleaned, k, rest);
    } else {
      setOwn(cleaned, k, v);
    }
  }
  return { spec: mergeUnder(cleaned, spec), notes };
}
