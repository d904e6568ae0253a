/**
 * Tool name → operationId / OpenAI function name, matching `^[a-zA-Z0-9_-]{1,64}$`.
 * Deterministic and stable: a name that is already valid maps to itself; other names are transliterated
 * (accents dropped, every other character → `_`), and get a short hash of the original name when they are
 * too long or collide with another tool's id. Pure: no I/O.
 * @see platform-facts.md "Safe charset: ^[a-zA-Z0-9_-]{1,64}$ (OpenAI function-name rule)"
 */
import { createHash } from 'node:crypto';

export const OPERATION_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const MAX_ID_LENGTH = 64;

export interface NameMapping {
  /** tool name → id */
  ids: Map<string, string>;
  /** id → tool name (the reverse route) */
  tools: Map<string, string>;
  /** Human-readable notes: which names were changed, which collided. */
  notes: string[];
}

/** Short stable hash of a string (hex). */
export function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The id a name gets when nothing collides with it. */
export function sanitizeName(name: string, prefix = ''): string {
  if (OPERATION_ID_PATTERN.test(prefix + name)) return prefix + name;
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let id = (prefix + ascii).replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/_{2,}/g, '_').replace(/^_+|_+$/g, '');
  if (id === '') id = `tool_${shortHash(name)}`;
  if (id.length > MAX_ID_LENGTH) id = `${id.slice(0, MAX_ID_LENGTH - 7)}_${shortHash(prefix + name)}`;
  return id;
}

/**
 * Maps every tool name to a unique id. `prefix` (e.g. a server name + `_`) is prepended before sanitising.
 * Input order does not matter: names are processed sorted.
 */
export function mapToolNames(names: readonly string[], prefix = ''): NameMapping {
  const sorted = [...new Set(names)].sort();
  const ids = new Map<string, string>();
  const tools = new Map<string, string>();
  const notes: string[] = [];
  const candidate = new Map<string, string>();
  const owners = new Map<string, string[]>();
  for (const name of sorted) {
    const id = sanitizeName(name, prefix);
    candidate.set(name, id);
    owners.set(id, [...(owners.get(id) ?? []), name]);
  }
  for (const name of sorted) {
    let id = candidate.get(name)!;
    const sharing = owners.get(id)!;
    const exact = prefix + name === id;
    if (sharing.length > 1 && !exact) {
      const base = id.slice(0, MAX_ID_LENGTH - 7);
      id = `${base}_${shortHash(prefix + name)}`;
      notes.push(`tool "${name}" collides with ${sharing.filter((n) => n !== name).map((n) => `"${n}"`).join(', ')} after mapping; its id is "${id}"`);
    } else if (id !== prefix + name) {
      notes.push(`tool "${name}" is exposed as "${id}"`);
    }
    // A hash collision on top of a name collision is astronomically unlikely, but never emit a duplicate id.
    for (let n = 2; tools.has(id); n++) id = `${id.slice(0, MAX_ID_LENGTH - String(n).length - 1)}_${n}`;
    ids.set(name, id);
    tools.set(id, name);
  }
  return { ids, tools, notes };
}
