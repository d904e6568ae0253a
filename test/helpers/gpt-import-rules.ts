/**
 * ChatGPT's Actions importer rules (platform-facts.md), as a test oracle: returns every rule a spec
 * breaks. Independent of the generator's own code paths, so a generator bug cannot hide itself.
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SUB_SINGLE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties'];
const SUB_MAP = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];
const SUB_ARRAY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/** Every schema object in `schema`, depth first, with a readable path. */
export function allSchemas(schema: unknown, path: string, out: [string, Obj][] = []): [string, Obj][] {
  if (!isObj(schema)) return out;
  out.push([path, schema]);
  for (const k of SUB_SINGLE) allSchemas(schema[k], `${path}.${k}`, out);
  for (const k of SUB_MAP) if (isObj(schema[k])) for (const [n, s] of Object.entries(schema[k] as Obj)) allSchemas(s, `${path}.${k}.${n}`, out);
  for (const k of SUB_ARRAY) if (Array.isArray(schema[k])) (schema[k] as unknown[]).forEach((s, i) => allSchemas(s, `${path}.${k}[${i}]`, out));
  return out;
}

/** Every schema of the spec: components, request bodies, responses. */
export function specSchemas(spec: OpenAPIObject): [string, Obj][] {
  const out: [string, Obj][] = [];
  for (const [name, s] of Object.entries(spec.components?.schemas ?? {})) allSchemas(s, `components.schemas.${name}`, out);
  for (const [p, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Obj)) {
      if (!isObj(op)) continue;
      const body = (op.requestBody as Obj | undefined)?.content as Obj | undefined;
      for (const [mt, media] of Object.entries(body ?? {})) allSchemas((media as Obj).schema, `${method} ${p} body ${mt}`, out);
      for (const [status, r] of Object.entries((op.responses as Obj) ?? {})) {
        for (const [mt, media] of Object.entries(((r as Obj).content as Obj) ?? {})) allSchemas((media as Obj).schema, `${method} ${p} ${status} ${mt}`, out);
      }
    }
  }
  return out;
}

function hasType(s: Obj, t: string): boolean {
  return s.type === t || (Array.isArray(s.type) && s.type.includes(t));
}

export function gptImportProblems(spec: OpenAPIObject): string[] {
  const problems: string[] = [];
  if (spec.openapi !== '3.1.0' && spec.openapi !== '3.1.1') problems.push(`openapi ${spec.openapi}: Input should be '3.1.1' or '3.1.0'`);
  const servers = spec.servers ?? [];
  if (servers.length !== 1) problems.push(`${servers.length} servers`);
  for (const s of servers) {
    const authority = s.url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
    if (!s.url.startsWith('https://') || /:\d+$/.test(authority) || authority !== authority.toLowerCase()) problems.push(`server ${s.url} not under the root origin`);
  }
  const ids = new Set<string>();
  let ops = 0;
  for (const [p, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Obj)) {
      if (!isObj(op)) continue;
      ops++;
      // the importer skips head, options, trace … (platform-facts.md "Methods")
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) problems.push(`${p}: method ${method}`);
      const id = op.operationId;
      if (typeof id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(id)) problems.push(`${p}: operationId ${String(id)}`);
      else if (ids.has(id)) problems.push(`${p}: duplicate operationId ${id}`);
      else ids.add(id);
      for (const k of ['summary', 'description']) {
        const t = op[k];
        if (typeof t === 'string' && t.length > 300) problems.push(`${p}: ${k} has length ${t.length} exceeding limit of 300`);
      }
      if (typeof op['x-openai-isConsequential'] !== 'boolean') problems.push(`${p}: no x-openai-isConsequential`);
      // parameters: only path/query ones reach ChatGPT (header ones are ignored), never a $ref, never twice
      const params = op.parameters === undefined ? [] : Array.isArray(op.parameters) ? op.parameters : [op.parameters];
      const seen = new Set<string>();
      for (const param of params) {
        if (!isObj(param) || '$ref' in param) problems.push(`${p}: parameter $ref not resolved`);
        else if (param.in !== 'path' && param.in !== 'query') problems.push(`${p}: parameter ${String(param.name)} has location ${String(param.in)}; ignoring`);
        else if (seen.has(`${param.in} ${param.name}`)) problems.push(`${p}: duplicate parameter ${String(param.name)}`);
        else seen.add(`${param.in} ${param.name}`);
        if (param.in === 'path' && !p.includes(`{${String(param.name)}}`)) problems.push(`${p}: path parameter ${String(param.name)} not in the path`);
      }
    }
  }
  if (ops > 30) problems.push(`${ops} operations (max 30)`);
  if (!isObj(spec.components?.schemas)) problems.push('components.schemas is not an object');
  const schemes = Object.keys(spec.components?.securitySchemes ?? {});
  if (schemes.length > 1) problems.push('Found multiple security schemes, only 1 is supported');
  for (const [path, s] of specSchemas(spec)) {
    if (typeof s.description === 'string' && s.description.length > 700) problems.push(`${path}: description has length ${s.description.length} exceeding limit of 700`);
    if (hasType(s, 'object') && !isObj(s.properties)) problems.push(`${path}: object schema missing properties`);
    if (hasType(s, 'array') && s.items === undefined) problems.push(`${path}: array schema missing items`);
  }
  // circular component references
  const edges = new Map<string, Set<string>>();
  for (const [name, s] of Object.entries(spec.components?.schemas ?? {})) {
    const refs = new Set<string>();
    for (const [, sub] of allSchemas(s, name)) if (typeof sub.$ref === 'string') refs.add(sub.$ref.replace('#/components/schemas/', ''));
    edges.set(name, refs);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 'done') return false;
    if (state.get(n) === 'visiting') return true;
    state.set(n, 'visiting');
    for (const m of edges.get(n) ?? []) if (visit(m)) return true;
    state.set(n, 'done');
    return false;
  };
  for (const n of edges.keys()) if (visit(n)) { problems.push('Components section contains a circular dependency'); break; }
  return problems;
}
