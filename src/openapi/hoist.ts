/**
 * Hoisting: each schema's local `$defs` move into `components.schemas` under stable, collision-free
 * names; a definition identical in several tools (same name, same content, same referenced
 * definitions, as Pydantic emits them) is emitted once and shared.
 * @see https://spec.openapis.org/oas/v3.1.0#components-object (key pattern ^[a-zA-Z0-9.\-_]+$)
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { safeSchemaName } from './refs.js';
import { forEachSubschema, isObject, stableStringify, transformSchema, updateSubschemas, type SchemaNode } from './walk.js';

const LOCAL = '#/$defs/';
export const COMPONENT_PREFIX = '#/components/schemas/';

/** One normalised schema with its own `$defs` (a tool's input or output schema). */
export interface HoistUnit {
  schema: JsonSchema;
}

export interface HoistResult {
  /** The unit schemas without `$defs`, refs pointing into components. Same order as the input. */
  schemas: JsonSchema[];
  /** New component schemas, sorted by name. */
  components: Record<string, JsonSchema>;
}

function localRefs(node: SchemaNode): string[] {
  const out: string[] = [];
  const visit = (n: JsonSchema) => {
    if (typeof n.$ref === 'string' && n.$ref.startsWith(LOCAL)) out.push(n.$ref.slice(LOCAL.length));
  };
  if (isObject(node)) { visit(node); forEachSubschema(node, visit); }
  return out;
}

/**
 * The identity of each definition of one `$defs`: its name, its content and the closure of what it refers
 * to, as the canonical text `{"closure":{…sorted names: content…},"name":…}`. Each definition's refs and
 * canonical text are computed once per `$defs`, however many closures it belongs to.
 */
export function closureKeys(defs: JsonSchema): Map<string, string> {
  const refs = new Map<string, string[]>();
  const texts = new Map<string, string>();
  const refsOf = (name: string) => {
    let out = refs.get(name);
    if (out === undefined) refs.set(name, (out = localRefs(defs[name] as SchemaNode)));
    return out;
  };
  const textOf = (name: string) => {
    let out = texts.get(name);
    if (out === undefined) texts.set(name, (out = stableStringify(defs[name])));
    return out;
  };
  const keys = new Map<string, string>();
  for (const name of Object.keys(defs).sort()) {
    const seen = new Set<string>([name]);
    const queue = [name];
    while (queue.length > 0) {
      for (const r of refsOf(queue.pop()!)) if (!seen.has(r)) { seen.add(r); queue.push(r); }
    }
    let closure = '';
    for (const n of [...seen].sort()) {
      // a missing definition has no entry; `__proto__` never had one either (assigning it set a prototype)
      if (defs[n] === undefined || n === '__proto__') continue;
      closure += `${closure === '' ? '' : ','}${JSON.stringify(n)}:${textOf(n)}`;
    }
    keys.set(name, `{"closure":{${closure}},"name":${JSON.stringify(name)}}`);
  }
  return keys;
}

/**
 * Hoists the `$defs` of every unit. `reserved` names (e.g. `Error`, `ToolResult`) are never given to a
 * definition. Units are processed in order, so the same input always yields the same names.
 * `inPlace`: the unit schemas are private copies the caller gives away (e.g. fresh from normalizeSchema);
 * their nodes are rewritten where they are instead of being copied.
 */
export function hoistDefinitions(units: HoistUnit[], reserved: Iterable<string> = [], inPlace = false): HoistResult {
  const taken = new Set<string>(reserved);
  const byKey = new Map<string, string>();
  const components: Record<string, JsonSchema> = {};
  const plans = units.map((unit) => {
    const defs = isObject(unit.schema.$defs) ? unit.schema.$defs : {};
    const assigned = new Map<string, string>();
    for (const [name, key] of closureKeys(defs)) {
      let target = byKey.get(key);
      if (target === undefined) {
        const base = safeSchemaName(name);
        target = base;
        for (let n = 2; taken.has(target); n++) target = `${base}_${n}`;
        taken.add(target);
        byKey.set(key, target);
      }
      assigned.set(name, target);
    }
    return { defs, assigned };
  });
  const schemas = units.map((unit, i) => {
    const { defs, assigned } = plans[i]!;
    const rewrite = inPlace ? rewriterInPlace(assigned) : (node: SchemaNode) =>
      transformSchema(node, (n) => {
        if (typeof n.$ref !== 'string' || !n.$ref.startsWith(LOCAL)) return n;
        const target = assigned.get(n.$ref.slice(LOCAL.length));
        return target === undefined ? n : { ...n, $ref: `${COMPONENT_PREFIX}${target}` };
      });
    for (const [name, target] of assigned) {
      if (!(target in components)) components[target] = asObject(rewrite(defs[name] as SchemaNode));
    }
    const { $defs: _defs, ...rest } = unit.schema;
    return rewrite(rest) as JsonSchema;
  });
  const sorted: Record<string, JsonSchema> = {};
  for (const name of Object.keys(components).sort()) sorted[name] = components[name]!;
  return { schemas, components: sorted };
}

/** The ref rewrite of one unit, done on the nodes themselves (which keeps each `$ref` where it was). */
function rewriterInPlace(assigned: Map<string, string>): (node: SchemaNode) => SchemaNode {
  const visit = (node: SchemaNode): SchemaNode => {
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith(LOCAL)) {
      const target = assigned.get(ref.slice(LOCAL.length));
      if (target !== undefined) node.$ref = `${COMPONENT_PREFIX}${target}`;
    }
    updateSubschemas(node, visit);
    return node;
  };
  return visit;
}

/** Component schemas must be objects: `true` → `{}`, `false` → `{ not: {} }`. */
function asObject(node: SchemaNode): JsonSchema {
  return isObject(node) ? node : node ? {} : { not: {} };
}
