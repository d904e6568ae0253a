/**
 * Local `$ref` handling shared by the rules and `diff`: only `#/...` references into the same document are
 * ever followed; anything else (file:, http:, relative files) is left alone and never read.
 */
import { getAt, isObject } from './pointer.js';

export function isLocalRef(ref: unknown): ref is string {
  return typeof ref === 'string' && (ref === '#' || ref.startsWith('#/'));
}

/** Follows `$ref` chains of a value (at most `limit` hops, so cycles end); returns the value and its pointer. */
export function resolveLocal(
  root: unknown,
  value: unknown,
  pointer: string,
  limit = 20,
): { value: unknown; pointer: string } {
  let current = value;
  let at = pointer;
  for (let i = 0; i < limit && isObject(current) && isLocalRef(current['$ref']); i++) {
    const ref = current['$ref'] as string;
    at = ref.slice(1);
    current = getAt(root, at);
  }
  return { value: current, pointer: at };
}
