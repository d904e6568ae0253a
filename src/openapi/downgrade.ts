/**
 * `--openapi 3.0`: rewrites a 3.1 spec as 3.0.3 for clients that need it. Type arrays with "null" →
 * `nullable`, `const` → a one-value `enum`, numeric exclusive bounds → boolean ones, `examples` →
 * `example`, `prefixItems` → `items`, `$ref` siblings → `allOf`. JSON Schema keywords 3.0 cannot express
 * are kept as `x-<keyword>` extensions and reported.
 * @see https://spec.openapis.org/oas/v3.0.3#schema-object
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import type { SpecNote } from './notes.js';
import { isObject, mapSubschemas, setOwn, type SchemaNode } from './walk.js';
import type { JsonSchema } from '../mcp/catalog.js';

const ALLOWED_30 = new Set([
  'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'type',
  'not', 'allOf', 'oneOf', 'anyOf', 'items', 'properties', 'additionalProperties', 'description', 'format',
  'default', 'nullable', 'discriminator', 'readOnly', 'writeOnly', 'example', 'externalDocs', 'deprecated', 'xml', '$ref',
]);

export function downgradeSchema(node: SchemaNode, lost: Set<string>): JsonSchema {
  if (node === true) return {};
  if (node === false) return { not: {} };
  // 3.0 allows booleans only for additionalProperties
  const inner = mapSubschemas(node, (sub, pos) =>
    typeof sub === 'boolean' && pos.keyword === 'additionalProperties' ? sub : downgradeSchema(sub, lost),
  );
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(inner)) {
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length < value.length) out.nullable = true;
      if (types.length === 1) out.type = types[0];
      else if (types.length > 1) out.anyOf = types.map((t) => ({ type: t }));
      else out.enum = [null];
    } else if (key === 'type' && value === 'null') {
      out.nullable = true;
      out.enum = [null];
    } else if (key === 'const') {
      if (inner.enum === undefined) out.enum = [value];
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      const other = inner[bound];
      const tighter = typeof other !== 'number' || (bound === 'minimum' ? value >= other : value <= other);
      if (tighter) { setOwn(out, bound, value); setOwn(out, key, true); }
    } else if ((key === 'minimum' || key === 'maximum') && out[key] !== undefined) {
      // already set by a tighter exclusive bound
    } else if (key === 'examples' && Array.isArray(value)) {
      if (value.length > 0 && inner.example === undefined) out.example = value[0];
    } else if (key === 'prefixItems' && Array.isArray(value)) {
      if (inner.items === undefined || (isObject(inner.items) && Object.keys(inner.items).length === 0)) {
        out.items = value.length === 1 ? value[0] : { anyOf: value };
      }
      lost.add('prefixItems');
    } else if (key === 'items' && inner.prefixItems !== undefined) {
      if (out.items === undefined) out.items = value;
    } else if ((key === 'required' || key === 'enum') && Array.isArray(value) && value.length === 0) {
      // 3.0 needs at least one item; an empty `required` says nothing (an empty `enum` is kept as an extension)
      if (key === 'enum') { setOwn(out, 'x-enum', value); lost.add('enum: []'); }
    } else if (key === '$comment') {
      // comments have no 3.0 equivalent and carry no constraint
    } else if (ALLOWED_30.has(key) || key.startsWith('x-')) {
      if (out[key] === undefined) setOwn(out, key, value);
    } else {
      setOwn(out, `x-${key}`, value);
      lost.add(key);
    }
  }
  if (Array.isArray(out.enum) && out.enum.includes(null)) out.nullable = true;
  if (typeof out.$ref === 'string') {
    const { $ref, ...siblings } = out;
    if (Object.keys(siblings).length > 0) return { ...siblings, allOf: [{ $ref }] };
  }
  return out;
}

type Obj = Record<string, unknown>;

/** Walks every schema position of the spec (components, request bodies, responses). */
export function downgradeSpec(spec: OpenAPIObject): { spec: OpenAPIObject; notes: SpecNote[] } {
  const notes: SpecNote[] = [];
  const lost = new Set<string>();
  const fixContent = (content: unknown) => {
    if (!isObject(content)) return content;
    const out: Obj = {};
    for (const [mt, media] of Object.entries(content)) {
      setOwn(out, mt, isObject(media) && media.schema !== undefined ? { ...media, schema: downgradeSchema(media.schema as SchemaNode, lost) } : media);
    }
    return out;
  };
  const paths: Obj = {};
  for (const [p, item] of Object.entries(spec.paths ?? {})) {
    const newItem: Obj = {};
    for (const [method, op] of Object.entries(item as Obj)) {
      if (!isObject(op)) { newItem[method] = op; continue; }
      const newOp: Obj = { ...op };
      if (isObject(op.requestBody)) newOp.requestBody = { ...op.requestBody, content: fixContent(op.requestBody.content) };
      if (isObject(op.responses)) {
        const responses: Obj = {};
        for (const [status, r] of Object.entries(op.responses)) responses[status] = isObject(r) && r.content ? { ...r, content: fixContent(r.content) } : r;
        newOp.responses = responses;
      }
      newItem[method] = newOp;
    }
    paths[p] = newItem;
  }
  const components: Obj = { ...(spec.components ?? {}) };
  if (isObject(components.schemas)) {
    const schemas: Obj = {};
    for (const [name, s] of Object.entries(components.schemas)) schemas[name] = downgradeSchema(s as SchemaNode, lost);
    components.schemas = schemas;
  }
  const info: Obj = { ...spec.info };
  if (isObject(info.license) && 'identifier' in info.license) {
    const { identifier: _id, ...license } = info.license;
    info.license = license;
  }
  const { jsonSchemaDialect: _d, webhooks: _w, ...rest } = spec as unknown as Obj;
  if (lost.size > 0) {
    notes.push({
      level: 'warning',
      code: 'openapi-3.0-lost',
      message: `OpenAPI 3.0 cannot express ${[...lost].sort().join(', ')}; kept as x- extensions that 3.0 clients ignore`,
    });
  }
  return { spec: { ...rest, openapi: '3.0.3', info, paths, components } as unknown as OpenAPIObject, notes };
}
