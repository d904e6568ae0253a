/** Library API: no side effects on import. */
export * from './errors.js';
export type { CatalogTool, JsonSchema, ServerInfo, ToolAnnotations, ToolCatalog } from './mcp/catalog.js';
export type { HttpTarget, StdioTarget, Target } from './mcp/target.js';
export { connect, type ConnectOptions, type Connection } from './mcp/connect.js';
export { listTools, listAllTools, readCatalog } from './mcp/introspect.js';
export { parseConfigFile, selectServer } from './mcp/config-file.js';
export { normalizeSchema } from './openapi/schema.js';
export {
  buildSpec,
  isConsequential,
  resolveSpecOptions,
  type AuthOptions,
  type BuildResult,
  type OperationBinding,
  type SpecNote,
  type SpecOptions,
} from './openapi/build-spec.js';
export { serializeSpec } from './openapi/serialize.js';
export { formatNote } from './openapi/notes.js';
export { mapToolNames, OPERATION_ID_PATTERN } from './openapi/naming.js';
