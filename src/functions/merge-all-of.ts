/**
 * `allOf` → one schema, for strict mode (which rejects `allOf`). Branches that are local `$ref`s are inlined;
 * properties are united (a property defined by two branches becomes an `allOf` of both, merged in turn when the
 * converter reaches it), `required` lists are united, bounds take the tighter value. A conflict that cannot be
 * merged keeps the first value and says so. Pure.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { deepEqual, defineOwn, isObject, resolveLocalRef, typesOf, type FunctionNote } from './strict-keywords.js';

const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minItems', 'minLength', 'minProperties']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxItems', 'maxLength', 'maxProperties']);
/** Annotations: the first one wins, no conflict reported. */
const FIRST_WINS = new Set(['description', 'title', 'default', 'examples', '$comment']);

export interface MergeContext {
  root: JsonSchema;
  where: string;
  note(level: FunctionNote['level'], code: string, message: string): void;
}

/** Returns `node` with its `allOf` merged into it (a new object; `node` is not modified). */
export function mergeAllOf(node: JsonSchema, ctx: MergeContext, seenRefs: ReadonlySet<string> = new Set()): JsonSchema {
  const { allOf, ...rest } = node;
  if (!Array.isArray(allOf)) return node;
  let merged: JsonSchema = rest;
  for (const branch of allOf) {
    if (branch === true) continue;
    if (!isObject(branch)) {
      ctx.note('error', 'strict-unrepresentable', `${ctx.where}: allOf has a branch that accepts nothing`);
      continue;
    }
    merged = mergeInto(merged, inlineBranch(branch, ctx, seenRefs), ctx);
  }
  ctx.note('info', 'strict-allof-merged', `${ctx.where}: allOf of ${allOf.length} schemas merged into one`);
  return merged;
}

/** A branch with its local `$ref` replaced by the referenced schema, and its own `allOf` merged first. */
function inlineBranch(branch: JsonSchema, ctx: MergeContext, seenRefs: ReadonlySet<string>): JsonSchema {
  let out = branch;
  const ref = branch.$ref;
  if (typeof ref === 'string') {
    const target = seenRefs.has(ref) ? undefined : resolveLocalRef(ctx.root, ref);
    if (target === undefined) {
      ctx.note('warning', 'strict-allof-ref', `${ctx.where}: allOf branch ${ref} cannot be inlined (missing or recursive); kept as a $ref`);
      return branch;
    }
    const { $ref: _drop, ...siblings } = branch;
    out = mergeInto(structuredClone(target), siblings, ctx);
    seenRefs = new Set([...seenRefs, ref]);
  }
  return Array.isArray(out.allOf) ? mergeAllOf(out, ctx, seenRefs) : out;
}

function mergeInto(target: JsonSchema, source: JsonSchema, ctx: MergeContext): JsonSchema {
  const out: JsonSchema = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    if (current === undefined || deepEqual(current, value)) {
      defineOwn(out, key, value);
    } else if (key === 'properties' && isObject(current) && isObject(value)) {
      out.properties = mergeProperties(current, value);
    } else if (key === 'required' && Array.isArray(current) && Array.isArray(value)) {
      out.required = [...new Set([...(current as unknown[]), ...(value as unknown[])])];
    } else if (key === 'type') {
      out.type = intersectTypes(current, value, ctx);
    } else if (key === 'additionalProperties') {
      // any branch closing the object closes it; strict mode closes every object anyway
      out.additionalProperties = current === false || value === false ? false : current;
    } else if (LOWER_BOUNDS.has(key) && typeof current === 'number' && typeof value === 'number') {
      out[key] = Math.max(current, value);
    } else if (UPPER_BOUNDS.has(key) && typeof current === 'number' && typeof value === 'number') {
      out[key] = Math.min(current, value);
    } else if (key === 'enum' && Array.isArray(current) && Array.isArray(value)) {
      out.enum = current.filter((c) => value.some((v) => deepEqual(c, v)));
    } else if (!FIRST_WINS.has(key)) {
      ctx.note('warning', 'strict-allof-conflict', `${ctx.where}: allOf branches disagree on "${key}"; kept the first value`);
    }
  }
  return out;
}

function mergeProperties(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...a };
  for (const [name, schema] of Object.entries(b)) {
    const existing = Object.hasOwn(out, name) ? out[name] : undefined;
    defineOwn(out, name, existing === undefined || deepEqual(existing, schema) ? schema : { allOf: [existing, schema] });
  }
  return out;
}

function intersectTypes(a: unknown, b: unknown, ctx: MergeContext): unknown {
  const ta = typesOf({ type: a });
  const tb = typesOf({ type: b });
  const both = ta.filter((t) => tb.includes(t) || (t === 'integer' && tb.includes('number')));
  for (const t of tb) if (t === 'integer' && ta.includes('number') && !both.includes(t)) both.push(t);
  if (both.length === 0) {
    ctx.note('error', 'strict-unrepresentable', `${ctx.where}: allOf branches have no type in common (${ta.join('|')} vs ${tb.join('|')})`);
    return a;
  }
  return both.length === 1 ? both[0] : both;
}
