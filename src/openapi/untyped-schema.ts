/**
 * A tool schema without "type" (server-gitlab sends only `{"$schema": …}` for every tool): the introspector keeps
 * it, every reader takes it as an object schema, and this note says so, once per tool, wherever a command reads
 * the catalog (inspect, generate, serve). Pure.
 */
import type { CatalogTool, JsonSchema } from '../mcp/catalog.js';
import type { SpecNote } from './notes.js';

export function untypedSchemaNotes(tool: CatalogTool): SpecNote[] {
  const notes: SpecNote[] = [];
  if (isUntyped(tool.inputSchema)) {
    const props = tool.inputSchema.properties;
    const described = typeof props === 'object' && props !== null && Object.keys(props).length > 0;
    notes.push({
      tool: tool.name,
      level: 'warning',
      code: 'schema-untyped',
      message: described
        ? 'its inputSchema has no "type"; read as an object schema'
        : 'its inputSchema has no "type" and declares no properties; read as an object that takes any arguments (only the tool description says which)',
    });
  }
  if (tool.outputSchema !== undefined && isUntyped(tool.outputSchema)) {
    notes.push({ tool: tool.name, level: 'warning', code: 'schema-untyped', message: 'its outputSchema has no "type"; read as an object schema' });
  }
  return notes;
}

function isUntyped(schema: JsonSchema): boolean {
  return schema.type === undefined;
}
