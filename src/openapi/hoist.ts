/**
 * Hoisting: each schema's local `$defs` move into `components.schemas` under stable, collision-free
 * names; a definition identical in several tools (same name, same content, same referenced
 * definitions, as Pydantic emits them) is emitted once and shared.
 * @see https://spec.openapis.org/oas/v3.1.0#components-object (key pattern ^[a-zA-Z0-9.\-_]+$)
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { safeSchemaName } from './refs.js';
import { sameJson } from './json-equal.js';
import { forEachSubschema, isObject, sortStrings, transformSchema, updateSubschemas, type SchemaNode } from './walk.js';

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
 * The closure of each definition of one `$defs`: the sorted names of itself and of every definition it
 * reaches through refs, leaving out names with no definition (and `__proto__`, which never had one:
 * assigning it set a prototype). Each definition's refs are found once, however many closures hold it.
 */
export function closures(defs: JsonSchema): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  const refsOf = (name: string) => {
    let out = refs.get(name);
    if (out === undefined) refs.set(name, (out = localRefs(defs[name] as SchemaNode)));
    return out;
  };
  const out = new Map<string, string[]>();
  for (const name of sortStrings(Object.keys(defs))) {
    const seen = new Set<string>([name]);
    const queue = [name];
    while (queue.length > 0) {
      const refs = refsOf(queue.pop()!);
      for (let i = 0; i < refs.length; i++) if (!seen.has(refs[i]!)) { seen.add(refs[i]!); queue.push(refs[i]!); }
    }
    out.set(name, sortStrings([...seen]).filter((n) => defs[n] !== undefined && n !== '__proto__'));
  }
  return out;
}

/** A definition already given a component name, with what decides whether another one is the same. */
interface Shared {
  defs: JsonSchema;
  closure: string[];
  target: string;
}

/** Same name (the caller's lookup), same closure names, and each of them the same JSON in both `$defs`. */
function sameDefinition(shared: Shared, defs: JsonSchema, closure: string[]): boolean {
  if (shared.closure.length !== closure.length) return false;
  for (let i = 0; i < closure.length; i++) if (shared.closure[i] !== closure[i]) return false;
  for (const n of closure) if (!sameJson(shared.defs[n], defs[n])) return false;
  return true;
}

/**
 * Hoists the `$defs` of every unit. `reserved` names (e.g. `Error`, `ToolResult`) are never given to a
 * definition. Units are processed in order, so the same input always yields the same names.
 * `inPlace`: the unit schemas are private copies the caller gives away (e.g. fresh from normalizeSchema);
 * their nodes are rewritten where they are instead of being copied.
 */
export function hoistDefinitions(units: HoistUnit[], reserved: Iterable<string> = [], inPlace = false): HoistResult {
  const taken = new Set<string>(reserved);
  // definition name → the distinct definitions of that name so far (usually one), compared as JSON
  const byName = new Map<string, Shared[]>();
  const components: Record<string, JsonSchema> = {};
  const plans = units.map((unit) => {
    const defs = isObject(unit.schema.$defs) ? unit.schema.$defs : {};
    const assigned = new Map<string, string>();
    for (const [name, closure] of closures(defs)) {
      let known = byName.get(name);
      if (known === undefined) byName.set(name, (known = []));
      let target = known.find((shared) => sameDefinition(shared, defs, closure))?.target;
      if (target === undefined) {
        const base = safeSchemaName(name);
        target = base;
        for (let n = 2; taken.has(target); n++) target = `${base}_${n}`;
        taken.add(target);
        known.push({ defs, closure, target });
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
