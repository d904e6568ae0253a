/** Library API: no side effects on import. */
export * from './errors.js';
export type { CatalogTool, JsonSchema, ServerInfo, ToolAnnotations, ToolCatalog } from './mcp/catalog.js';
export type { HttpTarget, StdioTarget, Target } from './mcp/target.js';
export { connect, type ConnectOptions, type Connection } from './mcp/connect.js';
export { listTools, listAllTools, readCatalog } from './mcp/introspect.js';
export { parseConfigFile, selectServer } from './mcp/config-file.js';
