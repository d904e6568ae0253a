/** Library API: no side effects on import. */
export * from './errors.js';
export type { CatalogTool, JsonSchema, ServerInfo, ToolAnnotations, ToolCatalog } from './mcp/catalog.js';
export type { HttpTarget, StdioTarget, Target } from './mcp/target.js';
export { connect, type ConnectOptions, type Connection } from './mcp/connect.js';
export { listTools, listAllTools, readCatalog } from './mcp/introspect.js';
export { allServers, parseConfigFile, selectServer } from './mcp/config-file.js';
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
export { validateSpecText, validateLoadedSpec, STRUCTURAL_RULES, type ValidateOptions, type ValidationProfile, type ValidationReport } from './validate/validate-spec.js';
export { loadSpec, type LoadedSpec, type Position } from './validate/source-map.js';
export { GPT_ACTIONS_RULES } from './validate/rules/index.js';
export type { Problem, Rule, Severity } from './validate/types.js';
export { formatReport, type ReportFormat } from './validate/format-report.js';
export { diffSpecs } from './validate/diff/diff-specs.js';
export type { Change, ChangeSeverity, DiffReport } from './validate/diff/types.js';
export { compareWithRegenerated, recordedOptions, type DriftResult } from './validate/drift.js';
export {
  buildFunctionTools,
  MAX_FUNCTION_TOOLS,
  type ChatFunctionTool,
  type FunctionApi,
  type FunctionDefinition,
  type FunctionToolsOptions,
  type FunctionToolsResult,
  type ResponsesFunctionTool,
} from './functions/build-tools.js';
export { toStrictSchema, type StrictResult } from './functions/strict-schema.js';
export type { FunctionNote } from './functions/strict-keywords.js';
export { InvalidArgumentsError, restoreArguments, toMcpCall, type McpCall, type RouteOptions } from './functions/route-call.js';
export { decodeArguments, encodeArguments, DecodeError, type ArgumentCodec, type DecodeProblem, type FunctionCodec } from './functions/codec.js';
export { formatToolResult, type ToolResultLike } from './functions/tool-result.js';
export { buildResponsesMcpTool, type ResponsesMcpOptions, type ResponsesMcpTool } from './functions/responses-mcp.js';
export { createAdapter, DEFAULT_CALL_TIMEOUT_MS, type Adapter, type AdapterLimits, type AdapterOptions } from './adapter/app.js';
export { Upstream, type CallOptions, type ToolCaller, type UpstreamOptions, type UpstreamState } from './adapter/upstream.js';
export { listen, checkBindSafety, type Listening, type ServerTimeouts } from './adapter/listen.js';
export { createAuthChecker, createAuthenticator, type AdapterAuth } from './adapter/identity/static-auth.js';
export { ANONYMOUS, type Authenticator, type Identity } from './adapter/identity/identity.js';
export { isLoopbackHost } from './adapter/hosts.js';
export { mapToolResult, DEFAULT_MAX_RESPONSE_CHARS, type MappedResponse } from './adapter/map-result.js';
export { mapCallError } from './adapter/map-error.js';
export { HttpError, type ErrorBody, type ErrorType } from './adapter/http-error.js';
export { SupervisedUpstream, isNetworkError, type SupervisorEvents, type SupervisorOptions } from './adapter/supervisor.js';
export { InflightLimiter, DEFAULT_MAX_INFLIGHT, DEFAULT_MAX_QUEUE, type InflightLimits } from './adapter/inflight.js';
export { createRateLimiter, parseRateLimit, type RateLimit, type RateLimiter } from './adapter/rate-limit.js';
export { shutdown, DEFAULT_DRAIN_TIMEOUT_MS, type Drainable, type ShutdownResult } from './adapter/shutdown.js';
export { createMultiAdapter, type MultiAdapter, type MultiServerOptions } from './adapter/multi-server.js';
export { combineSpecs, GPT_MAX_OPERATIONS, type CombineOptions, type SpecPart } from './adapter/combine-specs.js';
export { callTool, taskMode, TASKS_EXTENSION, TaskEndedError, TaskInputRequiredError, type TaskMode, type ToolCallOptions } from './mcp/tasks.js';
export { JobRunner, DEFAULT_ASYNC_AFTER_MS, DEFAULT_JOB_LEASE_MS, DEFAULT_JOB_TIMEOUT_MS, type JobRunnerOptions } from './adapter/jobs/job-runner.js';
export {
  JobStoreFullError,
  StoreUnavailableError,
  DEFAULT_JOB_TTL_MS,
  type JobProgress,
  type JobRecord,
  type JobStore,
  type JobStoreLimits,
  type NewJob,
  type StoredResponse,
} from './adapter/store/job-store.js';
export { MemoryJobStore, type MemoryJobStoreOptions } from './adapter/store/memory-job-store.js';
export { RedisJobStore, DEFAULT_REDIS_PREFIX, type RedisJobStoreOptions } from './adapter/store/redis-job-store.js';
export { MemoryFileStore, type FileStore, type StoredFile } from './adapter/store/file-store.js';
export {
  checkIssuerUrl,
  discoverAuthorizationServer,
  metadataUrls,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  OAuthDiscoveryError,
  type OAuthDiscoveryErrorKind,
  type AuthorizationServerMetadata,
  type DiscoveryOptions,
} from './oauth/discovery.js';
