/**
 * Compares two JSON Schemas (local `$ref`s resolved on each side) and records every change, classified for
 * callers: in a request, anything the old schema accepted and the new one rejects is breaking; in a response,
 * anything the new one may return that the old one promised not to is breaking. Pure.
 */
import { isObject } from '../pointer.js';
import { resolveLocal } from '../refs.js';
import type { ChangeSeverity, DiffContext, Direction } from './types.js';

type Schema = Record<string, unknown>;

const LOWER_IS_STRICTER = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'];
const HIGHER_IS_STRICTER = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'];

function asSchema(value: unknown): Schema {
  if (value === false) return { not: {} };
  return isObject(value) ? value : {};
}

/** The types a schema accepts (undefined: any). `number` includes `integer`. */
function accepted(s: Schema): Set<string> | undefined {
  const t = s['type'];
  const list = typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : undefined;
  if (!list) return undefined;
  const set = new Set(list);
  if (s['nullable'] === true) set.add('null');
  if (set.has('number')) set.add('integer');
  return set;
}

function enumOf(s: Schema): unknown[] | undefined {
  if (Array.isArray(s['enum'])) return s['enum'];
  if ('const' in s) return [s['const']];
  return undefined;
}

const show = (v: unknown) => JSON.stringify(v);
const child = (where: string, name: string) => (where ? `${where}.${name}` : name);

export function compareSchemas(ctx: DiffContext, a0: unknown, b0: unknown, where: string, dir: Direction, seen = new Set<string>()): void {
  const ra = resolveLocal(ctx.old, a0, '');
  const rb = resolveLocal(ctx.new, b0, '');
  if (ra.pointer && rb.pointer) {
    const pair = `${ra.pointer}|${rb.pointer}|${dir}`;
    if (seen.has(pair)) return;
    seen.add(pair);
  }
  const a = asSchema(ra.value);
  const b = asSchema(rb.value);
  const add = (severity: ChangeSeverity, code: string, message: string, at = where) =>
    ctx.out.push({ severity, code, ...(ctx.operation ? { operation: ctx.operation } : {}), location: at, message });
  const worse = (breakingIn: Direction) => (dir === breakingIn ? 'breaking' : 'non-breaking') as ChangeSeverity;

  if (show(a['description']) !== show(b['description']) || show(a['title']) !== show(b['title'])) add('non-breaking', 'description-changed', 'description changed');

  // types
  const ta = accepted(a);
  const tb = accepted(b);
  const lost = ta === undefined ? (tb === undefined ? [] : ['any type']) : tb === undefined ? [] : [...ta].filter((t) => !tb.has(t));
  const gained = tb === undefined ? (ta === undefined ? [] : ['any type']) : ta === undefined ? [] : [...tb].filter((t) => !ta.has(t));
  if (lost.length) add(worse('request'), 'type-narrowed', `type narrowed: ${show(a['type'] ?? 'any')} → ${show(b['type'] ?? 'any')} (no longer ${lost.join(', ')})`);
  if (gained.length) add(worse('response'), 'type-widened', `type widened: ${show(a['type'] ?? 'any')} → ${show(b['type'] ?? 'any')} (now also ${gained.join(', ')})`);

  // enum / const
  const ea = enumOf(a);
  const eb = enumOf(b);
  if (eb && !ea) add(worse('request'), 'enum-added', `values restricted to ${eb.map(show).join(', ')}`);
  if (ea && eb) {
    const removed = ea.filter((v) => !eb.some((w) => show(w) === show(v)));
    const addedValues = eb.filter((v) => !ea.some((w) => show(w) === show(v)));
    if (removed.length) add(worse('request'), 'enum-value-removed', `enum value${removed.length > 1 ? 's' : ''} ${removed.map(show).join(', ')} removed`);
    if (addedValues.length) add('non-breaking', 'enum-value-added', `enum value${addedValues.length > 1 ? 's' : ''} ${addedValues.map(show).join(', ')} added`);
  }
  if (ea && !eb) add(worse('response'), 'enum-removed', 'any value allowed now (enum removed)');

  compareObjects(ctx, a, b, where, dir, seen, add, worse);
  compareConstraints(a, b, add, worse);

  if (a['items'] !== undefined || b['items'] !== undefined) compareSchemas(ctx, a['items'], b['items'], `${where}[]`, dir, seen);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const la = Array.isArray(a[k]) ? (a[k] as unknown[]) : [];
    const lb = Array.isArray(b[k]) ? (b[k] as unknown[]) : [];
    if (k !== 'allOf' && lb.length < la.length && lb.length > 0) add(worse('request'), 'variant-removed', `${k} has ${la.length - lb.length} fewer alternative(s)`);
    if (k !== 'allOf' && lb.length > la.length && la.length > 0) add(worse('response'), 'variant-added', `${k} has ${lb.length - la.length} more alternative(s)`);
    if (k === 'allOf' && lb.length > la.length) add(worse('request'), 'constraint-tightened', 'allOf has more parts');
    for (let i = 0; i < Math.min(la.length, lb.length); i++) compareSchemas(ctx, la[i], lb[i], `${where}(${k}[${i}])`, dir, seen);
  }
}

function compareObjects(
  ctx: DiffContext,
  a: Schema,
  b: Schema,
  where: string,
  dir: Direction,
  seen: Set<string>,
  add: (s: ChangeSeverity, code: string, message: string, at?: string) => void,
  worse: (d: Direction) => ChangeSeverity,
): void {
  const pa = isObject(a['properties']) ? a['properties'] : {};
  const pb = isObject(b['properties']) ? b['properties'] : {};
  const reqA = new Set(Array.isArray(a['required']) ? (a['required'] as string[]) : []);
  const reqB = new Set(Array.isArray(b['required']) ? (b['required'] as string[]) : []);
  for (const name of Object.keys(pa)) {
    if (!(name in pb)) add('breaking', 'property-removed', `property "${name}" removed`, child(where, name));
  }
  for (const name of Object.keys(pb)) {
    if (name in pa) continue;
    if (dir === 'request' && reqB.has(name)) add('breaking', 'required-property-added', `new required property "${name}"`, child(where, name));
    else add('non-breaking', dir === 'request' ? 'optional-property-added' : 'property-added', `${dir === 'request' ? 'optional ' : ''}property "${name}" added`, child(where, name));
  }
  for (const name of Object.keys(pa)) {
    if (!(name in pb)) continue;
    if (!reqA.has(name) && reqB.has(name)) add(worse('request'), 'property-became-required', `property "${name}" is now required`, child(where, name));
    if (reqA.has(name) && !reqB.has(name)) add(worse('response'), 'property-became-optional', `property "${name}" is now optional`, child(where, name));
    compareSchemas(ctx, pa[name], pb[name], child(where, name), dir, seen);
  }
  // required names without a property schema
  for (const name of reqB) {
    if (!reqA.has(name) && !(name in pb) && !(name in pa) && dir === 'request') add('breaking', 'required-property-added', `new required property "${name}"`, child(where, name));
  }
  const apA = a['additionalProperties'];
  const apB = b['additionalProperties'];
  if (apA !== false && apB === false) add(worse('request'), 'additional-properties-disallowed', 'additional properties no longer allowed');
  if (apA === false && apB !== undefined && apB !== false) add(worse('response'), 'additional-properties-allowed', 'additional properties now allowed');
  if (isObject(apA) && isObject(apB)) compareSchemas(ctx, apA, apB, `${where}{*}`, dir, seen);
}

function compareConstraints(a: Schema, b: Schema, add: (s: ChangeSeverity, code: string, message: string) => void, worse: (d: Direction) => ChangeSeverity): void {
  for (const [keys, tighter] of [[LOWER_IS_STRICTER, (x: number, y: number) => y < x], [HIGHER_IS_STRICTER, (x: number, y: number) => y > x]] as const) {
    for (const k of keys) {
      const x = a[k];
      const y = b[k];
      if (typeof y === 'number' && (typeof x !== 'number' || tighter(x, y))) add(worse('request'), 'constraint-tightened', `${k} ${typeof x === 'number' ? `${x} → ` : 'set to '}${y}`);
      else if (typeof x === 'number' && (typeof y !== 'number' || tighter(y, x))) add(worse('response'), 'constraint-relaxed', `${k} ${x} → ${typeof y === 'number' ? y : 'none'}`);
    }
  }
  if (show(a['pattern']) !== show(b['pattern']) && b['pattern'] !== undefined) add(worse('request'), 'pattern-changed', `pattern ${a['pattern'] === undefined ? 'set to' : `${show(a['pattern'])} →`} ${show(b['pattern'])}`);
  else if (a['pattern'] !== undefined && b['pattern'] === undefined) add(worse('response'), 'pattern-removed', 'pattern removed');
}
