/**
 * Equality of JSON texts without writing them: `sameJson(a, b)` is exactly
 * `stableStringify(a) === stableStringify(b)` (object keys in any order, undefined members left out,
 * functions, symbols and non-finite numbers as null), with no string or copy made on the way.
 */

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const aObject = typeof a === 'object' && a !== null;
  const bObject = typeof b === 'object' && b !== null;
  if (!aObject || !bObject) {
    // an object's text starts with { or [, a string's with ", unlike any other value's
    if (aObject || bObject || typeof a === 'string' || typeof b === 'string') return false;
    return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  return sameMembers(a as Record<string, unknown>, b as Record<string, unknown>);
}

function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  let sameOrder = aKeys.length === bKeys.length;
  for (let i = 0; sameOrder && i < aKeys.length; i++) sameOrder = aKeys[i] === bKeys[i];
  if (!sameOrder) {
    // the rare case: other key order, or members that are undefined on one side
    const aDefined = definedKeys(a, aKeys);
    const bDefined = definedKeys(b, bKeys);
    if (aDefined.length !== bDefined.length) return false;
    for (let i = 0; i < aDefined.length; i++) if (aDefined[i] !== bDefined[i]) return false;
    for (const k of aDefined) if (!sameJson(a[k], b[k])) return false;
    return true;
  }
  for (let w = 0; w < aKeys.length; w++) {
    const k = aKeys[w]!;
    const av = a[k];
    const bv = b[k];
    if (av === undefined || bv === undefined) {
      if (av !== bv) return false;
    } else if (!sameJson(av, bv)) {
      return false;
    }
  }
  return true;
}

function definedKeys(obj: Record<string, unknown>, keys: string[]): string[] {
  return keys.filter((k) => obj[k] !== undefined).sort();
}
