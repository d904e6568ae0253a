/**
 * Request validation: each tool's input schema is compiled ONCE (ajv 2020-12 + formats) when the routes are
 * built; a failed check becomes a 400 whose message says, in words a model can act on, what to change.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../mcp/catalog.js';
import { HttpError } from './http-error.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** At most this many problems are listed in one 400. */
const MAX_DETAILS = 20;

export interface ArgumentProblem {
  /** JSON pointer into the arguments ('' = the whole body). */
  path: string;
  message: string;
}

export type ArgsValidator = (args: unknown) => ArgumentProblem[] | undefined;

export interface CompiledValidator {
  validate: ArgsValidator;
  /** Set when the schema could not be compiled: the arguments then go unchecked to the server. */
  compileError?: string;
}

/** One ajv instance per adapter: compiled schemas are cached by the instance. */
export function createValidatorFactory(): (schema: JsonSchema) => CompiledValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false, logger: false, unicodeRegExp: true });
  addFormats(ajv);
  return (schema) => {
    let fn: ValidateFunction;
    try {
      fn = ajv.compile(withoutIdentity(schema));
    } catch (error) {
      return { validate: () => undefined, compileError: error instanceof Error ? error.message : String(error) };
    }
    return {
      validate: (args) => (fn(args) ? undefined : describeErrors(fn.errors ?? [])),
    };
  };
}

/** `$schema`/`$id` would make ajv look up a meta-schema or register a global id: drop them at the root. */
function withoutIdentity(schema: JsonSchema): JsonSchema {
  if (!('$schema' in schema) && !('$id' in schema)) return schema;
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** ajv errors → short sentences. */
export function describeErrors(errors: readonly ErrorObject[]): ArgumentProblem[] {
  const out: ArgumentProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (out.length >= MAX_DETAILS) break;
    const problem = describeError(e);
    const key = problem.path + '\0' + problem.message;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function describeError(e: ErrorObject): ArgumentProblem {
  const where = e.instancePath === '' ? 'the arguments' : `"${e.instancePath}"`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${String(p.missingProperty)}`, message: `missing required property "${String(p.missingProperty)}"${e.instancePath ? ` in ${where}` : ''}` };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(p.additionalProperty)}`, message: `unknown property "${String(p.additionalProperty)}"${e.instancePath ? ` in ${where}` : ''}: remove it` };
    case 'unevaluatedProperties':
      return { path: `${e.instancePath}/${String(p.unevaluatedProperty)}`, message: `unknown property "${String(p.unevaluatedProperty)}"${e.instancePath ? ` in ${where}` : ''}: remove it` };
    case 'enum':
      return { path: e.instancePath, message: `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path: e.instancePath, message: `${where} must be ${JSON.stringify(p.allowedValue)}` };
    case 'type':
      return { path: e.instancePath, message: `${where} must be of type ${String(p.type)}` };
    default:
      return { path: e.instancePath, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

/** The 400 for a failed check. */
export function invalidArguments(tool: string, problems: ArgumentProblem[]): HttpError {
  const summary = problems.slice(0, 5).map((p) => p.message).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  return new HttpError(400, 'invalid_arguments', `the arguments for tool "${tool}" do not match its input schema: ${summary}${more}`, {
    details: problems,
  });
}
