/**
 * Description limits for schemas: every `description` inside a schema is kept within `limit`
 * (ChatGPT: parameter/property descriptions <= 700 characters), each shortening reported.
 */
import { shortenText } from './shorten.js';
import { transformSchema, type SchemaNode } from './walk.js';

export interface Shortening {
  from: number;
  to: number;
}

export function limitSchemaDescriptions(schema: SchemaNode, limit: number, onShorten: (s: Shortening) => void): SchemaNode {
  return transformSchema(schema, (node) => {
    if (typeof node.description !== 'string' || node.description.length <= limit) return node;
    const short = shortenText(node.description, limit);
    onShorten({ from: node.description.length, to: short.length });
    return { ...node, description: short };
  });
}
