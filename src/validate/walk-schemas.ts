/**
 * Visits every JSON Schema written in an OpenAPI document (components, parameters, request bodies, responses,
 * headers, and every subschema of those), with its JSON pointer. `$ref`s are not followed: each referenced
 * schema is visited once, where it is written. Pure.
 */
import { isObject, toPointer } from './pointer.js';
import { HTTP_METHODS } from './operations.js';

export type SchemaVisitor = (schema: Record<string, unknown>, path: readonly string[]) => void;

const MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const ONE_KEYWORDS = [
  'items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'additionalItems', 'contentSchema',
];

/** Visits a schema and all its subschemas, depth first. */
export function walkSchema(schema: unknown, path: readonly string[], visit: SchemaVisitor, depth = 0): void {
  if (!isObject(schema) || depth > 200) return;
  visit(schema, path);
  for (const key of MAP_KEYWORDS) {
    const map = schema[key];
    if (isObject(map)) for (const [name, sub] of Object.entries(map)) walkSchema(sub, [...path, key, name], visit, depth + 1);
  }
  for (const key of LIST_KEYWORDS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => walkSchema(sub, [...path, key, String(i)], visit, depth + 1));
  }
  for (const key of ONE_KEYWORDS) {
    const sub = schema[key];
    if (Array.isArray(sub)) sub.forEach((s, i) => walkSchema(s, [...path, key, String(i)], visit, depth + 1));
    else walkSchema(sub, [...path, key], visit, depth + 1);
  }
}

function walkContent(content: unknown, path: readonly string[], visit: SchemaVisitor): void {
  if (!isObject(content)) return;
  for (const [type, media] of Object.entries(content)) {
    if (isObject(media)) walkSchema(media['schema'], [...path, type, 'schema'], visit);
  }
}

function walkHeaders(headers: unknown, path: readonly string[], visit: SchemaVisitor): void {
  if (!isObject(headers)) return;
  for (const [name, header] of Object.entries(headers)) {
    if (!isObject(header)) continue;
    walkSchema(header['schema'], [...path, name, 'schema'], visit);
    walkContent(header['content'], [...path, name, 'content'], visit);
  }
}

function walkParameters(params: unknown, path: readonly string[], visit: SchemaVisitor): void {
  const entries = Array.isArray(params) ? params.map((p, i) => [String(i), p] as const) : isObject(params) ? Object.entries(params) : [];
  for (const [key, param] of entries) {
    if (!isObject(param)) continue;
    walkSchema(param['schema'], [...path, key, 'schema'], visit);
    walkContent(param['content'], [...path, key, 'content'], visit);
  }
}

function walkResponses(responses: unknown, path: readonly string[], visit: SchemaVisitor): void {
  if (!isObject(responses)) return;
  for (const [code, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    walkContent(response['content'], [...path, code, 'content'], visit);
    walkHeaders(response['headers'], [...path, code, 'headers'], visit);
  }
}

function walkRequestBodies(bodies: Record<string, unknown>, path: readonly string[], visit: SchemaVisitor): void {
  for (const [name, body] of Object.entries(bodies)) {
    if (isObject(body)) walkContent(body['content'], [...path, name, 'content'], visit);
  }
}

/** Visits every schema of the document; `path` is the list of keys (see `toPointer`). */
export function walkSpecSchemas(spec: Record<string, unknown>, visit: SchemaVisitor): void {
  const components = spec['components'];
  if (isObject(components)) {
    const schemas = components['schemas'];
    if (isObject(schemas)) for (const [name, s] of Object.entries(schemas)) walkSchema(s, ['components', 'schemas', name], visit);
    walkParameters(components['parameters'], ['components', 'parameters'], visit);
    if (isObject(components['requestBodies'])) walkRequestBodies(components['requestBodies'], ['components', 'requestBodies'], visit);
    walkResponses(components['responses'], ['components', 'responses'], visit);
    walkHeaders(components['headers'], ['components', 'headers'], visit);
  }
  const paths = spec['paths'];
  if (!isObject(paths)) return;
  for (const [p, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    walkParameters(item['parameters'], ['paths', p, 'parameters'], visit);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const at = ['paths', p, method];
      walkParameters(op['parameters'], [...at, 'parameters'], visit);
      const body = op['requestBody'];
      if (isObject(body)) walkContent(body['content'], [...at, 'requestBody', 'content'], visit);
      walkResponses(op['responses'], [...at, 'responses'], visit);
    }
  }
}

export { toPointer };
