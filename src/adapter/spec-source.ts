/**
 * The one code path from catalog to spec, routes and published bytes: the generator's `buildSpec` and
 * `serializeSpec`, exactly as `generate openapi` uses them, plus the route table compiled from the same
 * operation bindings.
 */
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import type { ToolCatalog } from '../mcp/catalog.js';
import { buildSpec, type SpecNote, type SpecOptions } from '../openapi/build-spec.js';
import { normalizeSchema } from '../openapi/schema.js';
import { serializeSpec } from '../openapi/serialize.js';
import { buildRouteTable, type OperationBindingLike, type RouteTable } from './routes.js';
import type { CompiledValidator } from './validate-args.js';
import type { JsonSchema } from '../mcp/catalog.js';

export interface PublishedSpec {
  spec: OpenAPIObject;
  notes: SpecNote[];
  routes: RouteTable;
  /** serializeSpec(spec, 'json'): byte for byte what `generate openapi --format json` prints. */
  json: string;
  /** serializeSpec(spec, 'yaml'), made on first read (most clients ask for JSON; YAML costs the yaml package). */
  readonly yaml: string;
}

export function publishSpec(
  catalog: ToolCatalog,
  options: SpecOptions,
  compile: (schema: JsonSchema) => CompiledValidator,
  /** Routes of a previous publication of the same catalog and tool selection, reused as they are. */
  reuse?: RouteTable,
): PublishedSpec {
  const { spec, operations, notes } = buildSpec(catalog, options);
  if (reuse) return published(spec, notes, reuse);
  // get_job is served by the adapter itself (app.ts), not routed to a tool
  const bindings: OperationBindingLike[] = [];
  for (const op of operations) {
    if (op.kind === 'generic') bindings.push({ ...op, kind: 'generic', tools: genericTools(spec, op.path) });
    else if (op.kind === 'tool') bindings.push({ ...op, kind: 'tool' });
  }
  const routes = buildRouteTable(catalog, bindings, compile, normalizeInput);
  return published(spec, notes, routes);
}

function published(spec: OpenAPIObject, notes: SpecNote[], routes: RouteTable): PublishedSpec {
  let yaml: string | undefined;
  return {
    spec,
    notes,
    routes,
    json: serializeSpec(spec, 'json'),
    get yaml() {
      return (yaml ??= serializeSpec(spec, 'yaml'));
    },
  };
}

/** The schema the adapter validates: the tool's own, dialect-normalised, every constraint kept. */
export function normalizeInput(schema: JsonSchema, tool: string): JsonSchema {
  return normalizeSchema(schema, { tool }).schema;
}

/** The tools the generic operation reaches, as the spec lists them (`x-mcp-tools`). */
function genericTools(spec: OpenAPIObject, path: string): string[] {
  const op = spec.paths?.[path]?.post as Record<string, unknown> | undefined;
  const names = op?.['x-mcp-tools'];
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}
