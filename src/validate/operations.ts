/** Lists the operations of an OpenAPI document (pure). */
import { isObject, toPointer } from './pointer.js';
import type { OperationRef } from './types.js';

/** Every HTTP method an OpenAPI path item may hold. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function listOperations(spec: Record<string, unknown>): OperationRef[] {
  const out: OperationRef[] = [];
  const paths = spec['paths'];
  if (!isObject(paths)) return out;
  for (const [path, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!(HTTP_METHODS as readonly string[]).includes(method) || !isObject(operation)) continue;
      out.push({ path, method, pointer: toPointer(['paths', path, method]), operation, pathItem });
    }
  }
  return out;
}
