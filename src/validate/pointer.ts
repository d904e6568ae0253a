/**
 * JSON Pointer helpers (RFC 6901): encode a path of keys into `/a/b~1c` and back, and read a value at a pointer.
 * Pure.
 */

export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `['paths', '/tools/x', 'post']` → `/paths/~1tools~1x/post`; the empty path is the whole document (`''`). */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((t) => `/${escapeToken(t)}`).join('');
}

/** `/paths/~1tools~1x/post` → `['paths', '/tools/x', 'post']`. Accepts a leading `#` (a `$ref` fragment). */
export function parsePointer(pointer: string): string[] {
  const p = pointer.startsWith('#') ? decodeURIComponent(pointer.slice(1)) : pointer;
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer`);
  return p.slice(1).split('/').map(unescapeToken);
}

/** The value at a pointer, or undefined when any step is missing. Never follows `$ref`. */
export function getAt(root: unknown, pointer: string | readonly string[]): unknown {
  const tokens = typeof pointer === 'string' ? parsePointer(pointer) : pointer;
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node)) {
      if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
      node = node[token];
    } else {
      return undefined;
    }
  }
  return node;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
