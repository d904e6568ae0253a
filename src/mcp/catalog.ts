/**
 * The ToolCatalog: everything the generator, the adapter and the validators know about a server.
 * Built by the introspector from `initialize` + every page of `tools/list`.
 */

/** A JSON Schema as a plain object (the MCP spec's default dialect is 2020-12). */
export type JsonSchema = { [key: string]: unknown };

/** MCP tool annotations: hints, never trusted for security decisions. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  [key: string]: unknown;
}

/** MCP 2025-11-25 `execution`: whether the tool runs as a task (`tools/call` with `task`). */
export interface ToolExecution {
  taskSupport?: 'forbidden' | 'optional' | 'required';
  [key: string]: unknown;
}

export interface CatalogTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  annotations?: ToolAnnotations;
  execution?: ToolExecution;
}

export interface ServerInfo {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
  protocolVersion?: string;
  capabilities?: Record<string, unknown>;
}

export interface ToolCatalog {
  server: ServerInfo;
  /** Sorted by name, as the server's order is not guaranteed stable. */
  tools: CatalogTool[];
}

/** Display title of a tool: title, then annotations.title, then the name. */
export function toolTitle(tool: CatalogTool): string {
  return tool.title ?? tool.annotations?.title ?? tool.name;
}

/** Number of top-level parameters of a tool's input schema. */
export function countParameters(tool: CatalogTool): number {
  const props = tool.inputSchema.properties;
  return props && typeof props === 'object' ? Object.keys(props).length : 0;
}

/** True for a tool a plain `tools/call` cannot run: it declares `execution.taskSupport: 'required'`. */
export function requiresTask(tool: CatalogTool): boolean {
  return tool.execution?.taskSupport === 'required';
}
