/**
 * Description limits for schemas: every `description` inside a schema is kept within `limit`
 * (ChatGPT: parameter/property descriptions <= 700 characters), each shortening reported with where it was.
 */
import { shortenText } from './shorten.js';
import { isObject, mapSubschemas, type Position, type SchemaNode } from './walk.js';

export interface Shortening {
  /** Where, e.g. `note.tags[]` or `(root)`. */
  path: string;
  from: number;
  to: number;
}

function step(path: string, pos: Position): string {
  if (pos.keyword === 'properties') return path ? `${path}.${String(pos.key)}` : String(pos.key);
  if (pos.keyword === 'items') return `${path}[]`;
  const where = pos.key === undefined ? pos.keyword : `${pos.keyword}[${String(pos.key)}]`;
  return path ? `${path}.${where}` : where;
}

export function limitSchemaDescriptions(schema: SchemaNode, limit: number, onShorten: (s: Shortening) => void, path = ''): SchemaNode {
  if (!isObject(schema)) return schema;
  const out = mapSubschemas(schema, (sub, pos) => limitSchemaDescriptions(sub, limit, onShorten, step(path, pos)));
  if (typeof out.description === 'string' && out.description.length > limit) {
    const short = shortenText(out.description, limit);
    onShorten({ path: path || '(root)', from: out.description.length, to: short.length });
    out.description = short;
  }
  return out;
}
