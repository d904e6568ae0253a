/**
 * swagger-parser's structural check of an OpenAPI 3.1 document, minus its most expensive step: it compiles the
 * OpenAPI 3.1 JSON Schema with ajv on every call (~230 ms of CPU). `npm run build` compiles that same schema,
 * with swagger-parser's own ajv and options, into dist/validate/openapi-31-validator.js
 * (scripts/build-openapi-validator.mjs); this module loads it. When it is absent (running from the TypeScript
 * sources), `precompiledOpenapi31()` returns undefined and the caller lets swagger-parser do the whole check.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** An ajv validate function: returns whether `data` is valid and leaves the errors on `.errors`. */
export type SchemaValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const GENERATED = new URL('./openapi-31-validator.js', import.meta.url);

let loaded: Promise<SchemaValidator | undefined> | undefined;

/** The precompiled OpenAPI 3.1 schema validator, or undefined when the build did not generate it. */
export function precompiledOpenapi31(): Promise<SchemaValidator | undefined> {
  loaded ??= existsSync(fileURLToPath(GENERATED))
    ? import(GENERATED.href).then((m: { default: SchemaValidator }) => m.default)
    : Promise.resolve(undefined);
  return loaded;
}

let specValidator: ((api: unknown) => void) | undefined;

/**
 * swagger-parser's semantic checks, run after its schema check (duplicate parameters, path parameters
 * declared, unique operationIds…); throws like swagger-parser does.
 */
export function validateSpecSemantics(api: unknown): void {
  if (!specValidator) {
    const fromParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
    specValidator = fromParser('./validators/spec.js') as (api: unknown) => void;
  }
  specValidator(api);
}

/** The error swagger-parser throws when the schema check fails (its message's first line and `details`). */
export function schemaValidationError(errors: AjvError[]): Error {
  const lines = errors.map((e) => `  #${e.instancePath.length ? e.instancePath : '/'} ${e.message ?? ''}`);
  return Object.assign(new SyntaxError(`Swagger schema validation failed.\n${lines.join('\n')}\n`), { details: errors });
}
