/**
 * The spec builder: ToolCatalog + options → OpenAPI 3.1 spec, one `POST /tools/{operationId}` per tool.
 * Pure: no I/O, no clock, no environment; the same input gives byte-identical serialised output.
 * @see DESIGN.md "Contracts that every part relies on"
 */
import type { OpenAPIObject, OperationObject, PathsObject, SchemaObject } from 'openapi3-ts/oas31';
import { ProblemsFoundError } from '../errors.js';
import type { CatalogTool, JsonSchema, ToolCatalog } from '../mcp/catalog.js';
import { toolTitle } from '../mcp/catalog.js';
import { ERROR_SCHEMA, JOB_SCHEMA, TOOL_RESULT_SCHEMA, errorSchema, jobSchema, operationResponses, toolResultResponse, toolResultSchema } from './components.js';
import { limitSchemaDescriptions } from './describe.js';
import { downgradeSpec } from './downgrade.js';
import { applyGptSchemaRulesInPlace } from './gpt-rules.js';
import { hoistDefinitions, type HoistUnit } from './hoist.js';
import { specTitle, specVersion } from './info.js';
import { mergeBase } from './merge-base.js';
import { mapToolNames } from './naming.js';
import type { SpecNote } from './notes.js';
import { buildGenericOperation, genericOperationId } from './overflow.js';
import { buildJobOperation, JOB_PATH, jobOperationId } from './jobs.js';
import { buildSecurity, DEFAULT_API_KEY_HEADER, type AuthOptions } from './security.js';
import { MAX_GPT_OPERATIONS, selectTools } from './select-tools.js';
import { checkServerUrl } from './servers.js';
import { OPERATION_TEXT_LIMIT, PROPERTY_DESCRIPTION_LIMIT, shortenText } from './shorten.js';
import { toolTags } from './tags.js';
import { prepareToolSchema } from './tool-schema.js';
import type { SchemaNode } from './walk.js';

export type { AuthOptions } from './security.js';
export type { SpecNote } from './notes.js';

export interface SpecOptions {
  serverUrl: string;
  profile?: 'gpt-actions' | 'generic';
  auth?: AuthOptions;
  consequential?: 'annotations' | 'all' | 'none';
  include?: string[];
  exclude?: string[];
  overflow?: 'error' | 'generic';
  openapiVersion?: '3.1' | '3.0';
  /** Parsed template merged under the spec. */
  base?: Record<string, unknown>;
  failOnShorten?: boolean;
  /**
   * Long calls become jobs (`serve`'s default; `--no-async` turns it off): every operation documents 202, and
   * `get_job` (GET /jobs/{id}) is added, counted in the 30 operations. Default true.
   */
  jobs?: boolean;
  /**
   * Files out (GPT profile): document files a tool returns go to ChatGPT in `openaiFileResponse` ('auto', the
   * default) or stay described only ('none', `--files none`).
   */
  files?: 'auto' | 'none';
}

export interface OperationBinding {
  kind: 'tool' | 'generic' | 'job';
  toolName?: string;
  operationId: string;
  path: string;
}

export interface BuildResult {
  /**
   * The spec. Its operations' error responses (400, 404, 5xx…) are shared, frozen objects: to change a spec in
   * place, change a copy made with `JSON.parse(JSON.stringify(spec))` (structuredClone keeps the sharing).
   */
  spec: OpenAPIObject;
  operations: OperationBinding[];
  notes: SpecNote[];
}

/** Options with defaults filled in: what `info['x-mcp-actions'].options` records. */
export function resolveSpecOptions(options: SpecOptions): Required<Omit<SpecOptions, 'base' | 'failOnShorten' | 'include' | 'exclude'>> & Pick<SpecOptions, 'include' | 'exclude'> {
  const auth = options.auth ?? { type: 'none' };
  const recordedAuth: AuthOptions = { type: auth.type };
  if (auth.type === 'api-key') recordedAuth.apiKeyHeader = auth.apiKeyHeader ?? DEFAULT_API_KEY_HEADER;
  if (auth.type === 'oauth' && auth.oauth) recordedAuth.oauth = { ...auth.oauth, scopes: [...auth.oauth.scopes] };
  return {
    serverUrl: options.serverUrl,
    profile: options.profile ?? 'gpt-actions',
    auth: recordedAuth,
    consequential: options.consequential ?? 'annotations',
    ...(options.include?.length ? { include: [...options.include] } : {}),
    ...(options.exclude?.length ? { exclude: [...options.exclude] } : {}),
    overflow: options.overflow ?? 'error',
    openapiVersion: options.openapiVersion ?? '3.1',
    jobs: options.jobs ?? true,
    files: options.files ?? 'auto',
  };
}

/** x-openai-isConsequential for one tool. */
export function isConsequential(tool: CatalogTool, mode: SpecOptions['consequential'] = 'annotations'): boolean {
  if (mode === 'all') return true;
  if (mode === 'none') return false;
  return tool.annotations?.readOnlyHint !== true;
}

export function buildSpec(catalog: ToolCatalog, options: SpecOptions): BuildResult {
  // First, while the heap is small: hashing writes a canonical copy of every tool, garbage at once, which
  // costs several times more to collect once the spec's own objects fill the young generation.
  const version = specVersion(catalog);
  const opts = resolveSpecOptions(options);
  const gpt = opts.profile === 'gpt-actions';
  const serverUrl = checkServerUrl(opts.serverUrl, opts.profile);
  const security = buildSecurity(opts.auth);
  const notes: SpecNote[] = [];
  const shortened: string[] = [];
  const report = (tool: string | undefined, what: string, from: number, to: number, limit: number) => {
    const message = `${what} shortened from ${from} to ${to} characters (ChatGPT allows ${limit})`;
    notes.push({ ...(tool === undefined ? {} : { tool }), level: options.failOnShorten ? 'error' : 'warning', code: 'shortened', message });
    shortened.push(tool === undefined ? message : `tool "${tool}": ${message}`);
  };
  const text = (value: string, limit: number, tool: string | undefined, what: string): string => {
    if (!gpt || value.length <= limit) return value;
    const short = shortenText(value, limit);
    report(tool, what, value.length, short.length, limit);
    return short;
  };

  // get_job counts in ChatGPT's 30 operations: the tools get what is left
  const reserved = opts.jobs ? 1 : 0;
  const selection = selectTools(catalog.tools, { include: opts.include, exclude: opts.exclude, overflow: opts.overflow, limit: gpt ? MAX_GPT_OPERATIONS - reserved : undefined, reserved });
  notes.push(...selection.notes);
  const mapping = mapToolNames(selection.operations.map((t) => t.name));
  for (const message of mapping.notes) notes.push({ level: message.includes('collides') ? 'warning' : 'info', code: 'renamed', message });

  // schemas: normalise, unroll, then hoist every $defs into components
  const units: HoistUnit[] = [];
  for (const tool of selection.operations) {
    for (const role of ['input', 'output'] as const) {
      const raw = role === 'input' ? tool.inputSchema : tool.outputSchema;
      if (raw === undefined) continue;
      const prepared = prepareToolSchema(raw, { tool: tool.name, role, unroll: gpt });
      notes.push(...prepared.notes);
      units.push({ schema: prepared.schema });
    }
  }
  // every schema node below is private (made by normalizeSchema): hoisting and the GPT rules change it in
  // place (both are idempotent, so a node unrolled recursion put in two places is still right)
  const hoisted = hoistDefinitions(units, opts.jobs ? [ERROR_SCHEMA, TOOL_RESULT_SCHEMA, JOB_SCHEMA] : [ERROR_SCHEMA, TOOL_RESULT_SCHEMA], true);
  const finish = (schema: SchemaNode, tool: string | undefined, where: string): SchemaObject => {
    let out = applyGptSchemaRulesInPlace(schema);
    // on a copy: unrolled recursion may hold one node in two places, and each place is reported
    if (gpt) out = limitSchemaDescriptions(out, PROPERTY_DESCRIPTION_LIMIT, (s) => report(tool, `the description of ${s.path} in ${where}`, s.from, s.to, PROPERTY_DESCRIPTION_LIMIT));
    return out as SchemaObject;
  };

  const paths: PathsObject = {};
  const operations: OperationBinding[] = [];
  const authenticated = opts.auth.type !== 'none';
  let unit = 0;
  const tags = toolTags(selection.operations);
  for (const tool of selection.operations) {
    const operationId = mapping.ids.get(tool.name)!;
    const input = finish(hoisted.schemas[unit++]!, tool.name, 'the input schema');
    const output = tool.outputSchema === undefined ? undefined : finish(hoisted.schemas[unit++]!, tool.name, 'the output schema');
    const op: OperationObject = { operationId, summary: text(toolTitle(tool), OPERATION_TEXT_LIMIT, tool.name, 'the summary') };
    if (tool.description?.trim()) op.description = text(tool.description.trim(), OPERATION_TEXT_LIMIT, tool.name, 'the description');
    const tag = tags.get(tool.name);
    if (tag !== undefined) op.tags = [tag];
    op['x-mcp-tool'] = tool.name;
    op['x-openai-isConsequential'] = isConsequential(tool, opts.consequential);
    op.requestBody = { required: hasRequired(input as JsonSchema), content: { 'application/json': { schema: input } } };
    op.responses = operationResponses(
      output ? { description: 'The structured result of the tool.', content: { 'application/json': { schema: output } } } : toolResultResponse(),
      authenticated,
      opts.jobs,
    );
    const path = `/tools/${operationId}`;
    paths[path] = { post: op };
    operations.push({ kind: 'tool', toolName: tool.name, operationId, path });
  }
  if (selection.overflow.length > 0) {
    const operationId = genericOperationId(new Set(mapping.tools.keys()));
    const op = buildGenericOperation(selection.overflow, operationId, opts.consequential, authenticated, opts.jobs);
    op.summary = text(op.summary ?? '', OPERATION_TEXT_LIMIT, undefined, `the summary of ${operationId}`);
    op.description = text(op.description ?? '', OPERATION_TEXT_LIMIT, undefined, `the description of ${operationId}`);
    const path = `/tools/${operationId}`;
    paths[path] = { post: op };
    operations.push({ kind: 'generic', operationId, path });
  }
  if (opts.jobs) {
    const taken = new Set(operations.map((o) => o.operationId));
    const operationId = jobOperationId(taken);
    paths[JOB_PATH] = { get: buildJobOperation(operationId, authenticated) };
    operations.push({ kind: 'job', operationId, path: JOB_PATH });
  }

  const schemas: Record<string, SchemaObject> = {};
  const allSchemas: Record<string, SchemaObject> = { [ERROR_SCHEMA]: errorSchema(), [TOOL_RESULT_SCHEMA]: toolResultSchema(gpt && opts.files !== 'none') };
  if (opts.jobs) allSchemas[JOB_SCHEMA] = jobSchema();
  for (const [name, schema] of Object.entries(hoisted.components)) allSchemas[name] = finish(schema, undefined, `components.schemas.${name}`);
  for (const name of Object.keys(allSchemas).sort()) schemas[name] = allSchemas[name]!;

  const info: OpenAPIObject['info'] = { title: specTitle(catalog), version };
  const instructions = catalog.server.instructions?.trim();
  if (instructions) info.description = text(instructions, OPERATION_TEXT_LIMIT, undefined, 'the server instructions (info.description)');
  info['x-mcp-actions'] = { options: opts };

  let spec: Record<string, unknown> = { openapi: '3.1.0', info, servers: [{ url: serverUrl }] };
  if (security.security) spec.security = security.security;
  spec.paths = paths;
  spec.components = { schemas, ...(Object.keys(security.schemes).length ? { securitySchemes: security.schemes } : {}) };
  const merged = mergeBase(spec, options.base);
  spec = merged.spec;
  notes.push(...merged.notes);
  if (opts.openapiVersion === '3.0') {
    const down = downgradeSpec(spec as unknown as OpenAPIObject);
    spec = down.spec as unknown as Record<string, unknown>;
    notes.push(...down.notes);
    if (gpt) notes.push({ level: 'warning', code: 'openapi-3.0', message: 'ChatGPT\'s importer rejects OpenAPI 3.0.x; use 3.1 (the default) for GPT Actions' });
  }
  if (options.failOnShorten && shortened.length > 0) {
    const count = `${shortened.length} text${shortened.length === 1 ? '' : 's'}`;
    throw new ProblemsFoundError(`${count} exceed ChatGPT's limits (first: ${shortened[0]})`, {
      hint: 'shorten them in the server, or drop --fail-on-shorten to let mcp-actions shorten them',
      problems: shortened,
    });
  }
  return { spec: spec as unknown as OpenAPIObject, operations, notes };
}

function hasRequired(schema: JsonSchema): boolean {
  return Array.isArray(schema.required) && schema.required.length > 0;
}
