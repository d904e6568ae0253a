/**
 * Structural validation: the OpenAPI 3.x JSON Schema, via @apidevtools/swagger-parser, with external `$ref`
 * resolution switched off (file:, http: and relative refs are never read). Dangling local refs are reported
 * here too. Returns findings with JSON pointers; the caller locates them in the file.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { collectRefs, findDanglingRefs, refPointer } from './local-refs.js';
import { precompiledOpenapi31, schemaValidationError, validateSpecSemantics, type AjvError } from './openapi-schema.js';
import { escapeToken, getAt, isObject } from './pointer.js';
import type { Finding } from './types.js';

export interface StructuralFinding extends Finding {
  rule: 'openapi-structure' | 'ref-unresolved';
}

const PARSER_OPTIONS = {
  resolve: { external: false, file: false, http: false },
  dereference: { circular: 'ignore' as const },
};

/** Validates the document's structure. Never mutates `document`. */
export async function checkStructure(document: Record<string, unknown>): Promise<StructuralFinding[]> {
  const findings: StructuralFinding[] = [];
  const version = document['openapi'];
  if (document['swagger'] !== undefined) {
    return [{ rule: 'openapi-structure', pointer: '/swagger', message: 'this is a Swagger 2.0 document; only OpenAPI 3.x is supported' }];
  }
  if (typeof version !== 'string') {
    const message = version === undefined ? 'no `openapi` field: this is not an OpenAPI document' : `openapi must be a string such as "3.1.0", not ${JSON.stringify(version)}`;
    return [{ rule: 'openapi-structure', pointer: version === undefined ? '' : '/openapi', message }];
  }
  const refs = collectRefs(document);
  const dangling = findDanglingRefs(document, refs.local);
  for (const site of dangling) {
    findings.push({ rule: 'ref-unresolved', pointer: refPointer(site), message: `$ref "${site.ref}" points to nothing in this document` });
  }
  // Work on a copy: swagger-parser dereferences in place. Dangling refs become {} so the rest still validates.
  const copy = structuredClone(document);
  for (const site of dangling) {
    const holder = getAt(copy, site.path);
    if (isObject(holder)) delete holder['$ref'];
  }
  stripRefsInData(copy, false);
  try {
    await parseAndValidate(copy, version);
  } catch (error) {
    findings.push(...fromParserError(error));
  }
  return findings;
}

/**
 * `SwaggerParser.validate(copy)`: parse (version checks), dereference local refs, check the OpenAPI schema,
 * then its semantic checks. For 3.1 the schema check uses the build's precompiled validator (the same schema,
 * ajv and options as swagger-parser's) instead of compiling the schema again.
 */
async function parseAndValidate(copy: Record<string, unknown>, version: string): Promise<void> {
  const validate31 = version.startsWith('3.1') ? await precompiledOpenapi31() : undefined;
  if (!validate31) {
    await SwaggerParser.validate(copy as never, PARSER_OPTIONS as never);
    return;
  }
  const parser = new SwaggerParser();
  await parser.validate(copy as never, { ...PARSER_OPTIONS, validate: { schema: false, spec: false } } as never);
  if (!validate31(parser.api)) throw schemaValidationError(validate31.errors ?? []);
  validateSpecSemantics(parser.api);
}

const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/** Example and default values are data: a `$ref` key in them is not a reference, so hide it from the parser. */
function stripRefsInData(node: unknown, inData: boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) stripRefsInData(item, inData);
    return;
  }
  if (!isObject(node)) return;
  if (inData) delete node['$ref'];
  for (const [key, value] of Object.entries(node)) stripRefsInData(value, inData || DATA_KEYS.has(key));
}

function fromParserError(error: unknown): StructuralFinding[] {
  const details = (error as { details?: AjvError[] }).details;
  if (Array.isArray(details) && details.length > 0) {
    const seen = new Set<string>();
    const out: StructuralFinding[] = [];
    for (const d of details) {
      if (d.keyword === 'if' || d.keyword === '$dynamicRef') continue;
      const f = fromAjvError(d);
      const key = `${f.pointer} ${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
    if (out.length > 0) return out;
  }
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const clean = message
    .replace(/^Swagger schema validation failed\.?\s*/, '')
    .replace(/^\[object Object\] is not a valid Openapi API definition/, 'the document has no `paths` (nor `webhooks`)')
    .replace(/Swagger Parser only supports/, 'supported:');
  const pointer = /OpenAPI version/i.test(clean) ? '/openapi' : '';
  return [{ rule: 'openapi-structure', pointer, message: clean || 'not a valid OpenAPI document' }];
}

function fromAjvError(d: AjvError): StructuralFinding {
  const at = d.instancePath || '';
  const where = at === '' ? 'the document' : at;
  const p = d.params ?? {};
  const extra = p['additionalProperty'] ?? p['unevaluatedProperty'];
  if ((d.keyword === 'additionalProperties' || d.keyword === 'unevaluatedProperties') && typeof extra === 'string') {
    const name = extra;
    return { rule: 'openapi-structure', pointer: `${at}/${escapeToken(name)}`, message: `${where}: "${name}" is not allowed here` };
  }
  if (d.keyword === 'required' && typeof p['missingProperty'] === 'string') {
    return { rule: 'openapi-structure', pointer: at, message: `${where}: required "${p['missingProperty']}" is missing` };
  }
  if (d.keyword === 'enum' && Array.isArray(p['allowedValues'])) {
    return { rule: 'openapi-structure', pointer: at, message: `${where} must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { rule: 'openapi-structure', pointer: at, message: `${where} ${d.message ?? `fails ${d.keyword}`}` };
}
