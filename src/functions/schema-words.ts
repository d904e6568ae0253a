/**
 * A JSON Schema in words, for the description of a value strict mode cannot describe (sent as a string holding
 * JSON): the model still reads the shape and the constraints it must meet, and decoding checks them. Short by
 * design: three levels deep, then types only; at most MAX_WORDS characters. Pure.
 */
import type { JsonSchema } from '../mcp/catalog.js';
import { shortenText } from '../openapi/shorten.js';
import { isObject, resolveLocalRef, typesOf } from './strict-keywords.js';

const MAX_WORDS = 600;
const MAX_LEVEL = 3;
const MAX_PROPERTIES = 12;

export function schemaInWords(schema: unknown, root: JsonSchema): string {
  const text = words(schema, root, 0, new Set());
  return text.length > MAX_WORDS ? shortenText(text, MAX_WORDS) : text;
}

function words(schema: unknown, root: JsonSchema, level: number, refs: ReadonlySet<string>): string {
  if (schema === true || (isObject(schema) && Object.keys(schema).every((k) => ANNOTATIONS.has(k)))) return 'any JSON value';
  if (!isObject(schema)) return 'no value at all';
  if (typeof schema.$ref === 'string') {
    const target = refs.has(schema.$ref) ? undefined : resolveLocalRef(root, schema.$ref);
    const name = schema.$ref.split('/').pop() ?? schema.$ref;
    return target === undefined ? `a ${name} (as above)` : words(target, root, level, new Set([...refs, schema.$ref]));
  }
  const next = (s: unknown) => words(s, root, level + 1, refs);
  const parts: string[] = [];
  for (const [key, joiner] of [['anyOf', 'or'], ['oneOf', 'or'], ['allOf', 'and']] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) parts.push(level >= MAX_LEVEL ? `${branches.length} alternatives` : `${key === 'allOf' ? 'all of' : key === 'oneOf' ? 'exactly one of' : 'either'} (${branches.map(next).join(`) ${joiner} (`)})`);
  }
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.slice(0, 20).map((v) => JSON.stringify(v)).join(', ')}${schema.enum.length > 20 ? ', …' : ''}`);
  if ('const' in schema) parts.push(`exactly ${JSON.stringify(schema.const)}`);
  const types = typesOf(schema);
  const typed = types.map((t) => typeWords(t, schema, level, next)).filter((s) => s !== '');
  if (typed.length) parts.push(typed.join(' or '));
  else if (parts.length === 0) parts.push(shapeWithoutType(schema, level, next));
  if (isObject(schema.not)) parts.push(`not ${next(schema.not)}`);
  return parts.filter((p) => p !== '').join(', ');
}

const ANNOTATIONS = new Set(['description', 'title', '$schema', '$id', '$comment', 'examples', 'example', 'default', 'deprecated', 'readOnly', 'writeOnly']);

function shapeWithoutType(schema: JsonSchema, level: number, next: (s: unknown) => string): string {
  if (isObject(schema.properties) || schema.additionalProperties !== undefined || schema.patternProperties !== undefined) return typeWords('object', schema, level, next);
  if (schema.items !== undefined || schema.prefixItems !== undefined) return typeWords('array', schema, level, next);
  return 'any JSON value';
}

function typeWords(type: string, s: JsonSchema, level: number, next: (s: unknown) => string): string {
  switch (type) {
    case 'object':
      return objectWords(s, level, next);
    case 'array':
      return arrayWords(s, level, next);
    case 'string':
      return join('a string', [
        typeof s.minLength === 'number' ? `at least ${s.minLength} characters` : '',
        typeof s.maxLength === 'number' ? `at most ${s.maxLength} characters` : '',
        typeof s.pattern === 'string' ? `matching /${s.pattern}/` : '',
        typeof s.format === 'string' ? `format ${s.format}` : '',
      ]);
    case 'number':
    case 'integer':
      return join(type === 'integer' ? 'an integer' : 'a number', [
        bound(s.minimum, '>='), bound(s.exclusiveMinimum, '>'), bound(s.maximum, '<='), bound(s.exclusiveMaximum, '<'),
        typeof s.multipleOf === 'number' ? `a multiple of ${s.multipleOf}` : '',
      ]);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return '';
  }
}

function objectWords(s: JsonSchema, level: number, next: (s: unknown) => string): string {
  const props = isObject(s.properties) ? Object.entries(s.properties) : [];
  const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
  const details: string[] = [];
  if (props.length && level < MAX_LEVEL) {
    const listed = props.slice(0, MAX_PROPERTIES).map(([name, sub]) => `"${name}"${required.has(name) ? ' (required)' : ''}: ${next(sub)}`);
    details.push(`with ${listed.join('; ')}${props.length > MAX_PROPERTIES ? `; and ${props.length - MAX_PROPERTIES} more` : ''}`);
  } else if (props.length) {
    details.push(`with properties ${props.map(([n]) => `"${n}"`).join(', ')}`);
  }
  const undeclared = [...required].filter((r) => !props.some(([n]) => n === r));
  if (undeclared.length) details.push(`requiring ${undeclared.map((n) => `"${n}"`).join(', ')}`);
  if (isObject(s.patternProperties)) {
    for (const [pattern, sub] of Object.entries(s.patternProperties)) details.push(`with keys matching /${pattern}/ holding ${next(sub)}`);
  }
  if (isObject(s.propertyNames)) details.push(`with keys that are ${next({ type: 'string', ...s.propertyNames })}`);
  const extra = s.additionalProperties;
  if (extra === false) details.push(props.length ? 'and no other keys' : 'with no keys');
  else if (isObject(extra) && Object.keys(extra).some((k) => !ANNOTATIONS.has(k))) details.push(`with ${props.length ? 'other keys' : 'any keys'} holding ${next(extra)}`);
  else if (!props.length && s.patternProperties === undefined) details.push('with any keys');
  if (typeof s.minProperties === 'number') details.push(`at least ${s.minProperties} ${s.minProperties === 1 ? 'key' : 'keys'}`);
  if (typeof s.maxProperties === 'number') details.push(`at most ${s.maxProperties} ${s.maxProperties === 1 ? 'key' : 'keys'}`);
  return join('an object', details);
}

/** What a value is, in three or four words (for notes): "an object with any keys", "a union", "any JSON value". */
export function kindInWords(schema: unknown): string {
  if (!isObject(schema) || Object.keys(schema).every((k) => ANNOTATIONS.has(k))) return 'any JSON value';
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return 'a union of several shapes';
  const types = typesOf(schema);
  if (types.includes('object') || isObject(schema.properties) || schema.additionalProperties !== undefined) {
    if (isObject(schema.patternProperties)) return 'an object with pattern keys';
    return isObject(schema.additionalProperties) && Object.keys(schema.additionalProperties).some((k) => !ANNOTATIONS.has(k)) ? 'a map with typed values' : 'an object with any keys';
  }
  if (types.includes('array') || schema.items !== undefined || schema.prefixItems !== undefined) {
    return Array.isArray(schema.items) || schema.prefixItems !== undefined ? 'a tuple' : 'an array';
  }
  return types.length ? `a ${types.join(' or ')}` : 'any JSON value';
}

function arrayWords(s: JsonSchema, level: number, next: (s: unknown) => string): string {
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  const details: string[] = [];
  let head = 'an array';
  if (tuple) {
    head = `an array of ${tuple.length} ${tuple.length === 1 ? 'item' : 'items'} in order`;
    if (level < MAX_LEVEL) details.push(`(${tuple.map(next).join('), (')})`);
  } else if (s.items !== undefined && s.items !== true) {
    head = `an array of ${next(s.items)}`;
  } else {
    head = 'an array of any JSON values';
  }
  if (typeof s.minItems === 'number') details.push(`at least ${s.minItems} ${s.minItems === 1 ? 'item' : 'items'}`);
  if (typeof s.maxItems === 'number') details.push(`at most ${s.maxItems} ${s.maxItems === 1 ? 'item' : 'items'}`);
  if (s.uniqueItems === true) details.push('items unique');
  return join(head, details);
}

function bound(value: unknown, op: string): string {
  return typeof value === 'number' ? `${op} ${value}` : '';
}

function join(head: string, details: string[]): string {
  const kept = details.filter((d) => d !== '');
  return kept.length ? `${head} ${kept.join(', ')}` : head;
}
