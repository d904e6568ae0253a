/**
 * Finds every local `$ref` of a document (skipping example/default/enum/const values, which are data),
 * and the ones pointing nowhere. Pure.
 */
import { getAt, isObject, parsePointer, toPointer } from './pointer.js';
import { isLocalRef } from './refs.js';

export interface RefSite {
  /** Keys leading to the object that holds `$ref`. */
  path: string[];
  ref: string;
  /** Keys of the target, or undefined when the ref is not a valid local pointer. */
  target?: string[];
}

const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas', 'dependentSchemas']);

/** Every `$ref` in the document; `local: false` ones are external and never followed. */
export function collectRefs(root: unknown): { local: RefSite[]; external: RefSite[] } {
  const local: RefSite[] = [];
  const external: RefSite[] = [];
  const visit = (node: unknown, path: string[], parentKey: string | undefined, depth: number): void => {
    if (depth > 500) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, String(i)], undefined, depth + 1));
      return;
    }
    if (!isObject(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      if (isLocalRef(ref)) {
        let target: string[] | undefined;
        try {
          target = parsePointer(ref);
        } catch {
          target = undefined;
        }
        local.push({ path, ref, target });
      } else {
        external.push({ path, ref });
      }
    }
    const inNameMap = parentKey !== undefined && NAME_MAPS.has(parentKey);
    for (const [key, value] of Object.entries(node)) {
      if (!inNameMap && DATA_KEYS.has(key)) continue;
      visit(value, [...path, key], inNameMap ? undefined : key, depth + 1);
    }
  };
  visit(root, [], undefined, 0);
  return { local, external };
}

/** Local refs whose target does not exist. */
export function findDanglingRefs(root: unknown, refs: RefSite[]): RefSite[] {
  return refs.filter((r) => r.target === undefined || getAt(root, r.target) === undefined);
}

export function refPointer(site: RefSite): string {
  return toPointer([...site.path, '$ref']);
}
