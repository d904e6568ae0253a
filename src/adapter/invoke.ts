/**
 * One call through the adapter's mapping, without HTTP: arguments checked against the compiled input
 * schema, `tools/call` upstream with the call budget, the result (or failure) mapped to status + body.
 * Shared by the express route and `mcp-actions call`, so both answer the same.
 */
import { HttpError, errorBody } from './http-error.js';
import type { Identity } from './identity/identity.js';
import { mapCallError } from './map-error.js';
import { collectFiles } from './files.js';
import { mapToolResult, truncationMarker, type MappedResponse, type ToolResultLike } from './map-result.js';
import type { FileStore } from './store/file-store.js';
import type { Route, RouteTable, ToolEntry } from './routes.js';
import type { CallOptions, ToolCaller } from './upstream.js';
import { invalidArguments } from './validate-args.js';
import { callUpstream } from './pipeline/run-call.js';

export interface InvokeContext {
  upstream: ToolCaller;
  routes: RouteTable;
  callTimeoutMs: number;
  maxResponseChars: number;
  /** Files out (GPT profile): document files go in openaiFileResponse, inline or as URLs to GET /files/{id}. */
  files?: FileOutput;
}

export interface FileOutput {
  store: FileStore;
  /** The adapter's public base URL (the spec's server URL): download URLs are `${baseUrl}/files/${id}`. */
  baseUrl: string;
}

export interface Invocation {
  /** MCP tool name actually called (after resolving the generic operation), when known. */
  tool?: string;
  response: MappedResponse & { headers?: Record<string, string> };
  /** The error behind a failure answer (for the log), if any. */
  error?: unknown;
}

/**
 * The answer for an error. With `maxChars`, the whole body stays within it: an upstream's JSON-RPC error
 * message (or its details) can be megabytes, and it is cut like a long result.
 */
export function errorResponse(error: HttpError, maxChars?: number): MappedResponse & { headers?: Record<string, string> } {
  const { status, body, headers } = error.toResponse();
  let out = { status, body, json: JSON.stringify(body) };
  if (maxChars !== undefined && out.json.length > maxChars) out = fitErrorBody(error, maxChars);
  return { ...out, ...(headers ? { headers } : {}) };
}

function fitErrorBody(error: HttpError, maxChars: number): MappedResponse {
  const total = error.message.length;
  let keep = Math.max(0, maxChars - 300);
  for (;;) {
    const body = errorBody(error.type, error.message.slice(0, keep) + truncationMarker(keep, total, maxChars));
    const json = JSON.stringify(body);
    if (json.length <= maxChars || keep === 0) return { status: error.status, body, json };
    keep = Math.max(0, keep - (json.length - maxChars));
  }
}

/** Resolves the tool and arguments of a request body; throws HttpError 400/404. */
export function resolveCall(route: Route, routes: RouteTable, body: unknown): { entry: ToolEntry; args: Record<string, unknown> } {
  if (route.entry) return { entry: route.entry, args: asArguments(body, `tool "${route.entry.tool.name}"`) };
  const call = asArguments(body, `operation "${route.operationId}"`);
  const entry = namedTool(call, routes, route.kind === 'describe' ? '{"name": "<tool name>"}' : '{"name": "<tool name>", "arguments": {…}}');
  return { entry, args: asArguments(call.arguments, `tool "${entry.tool.name}"`) };
}

function namedTool(call: Record<string, unknown>, routes: RouteTable, shape: string): ToolEntry {
  const name = call.name;
  if (typeof name !== 'string' || name === '') {
    throw new HttpError(400, 'invalid_arguments', `send ${shape}: "name" is ${name === undefined ? 'missing' : 'not a tool name'}`, {
      details: [{ path: '/name', message: name === undefined ? 'missing required property "name"' : 'must be a non-empty string' }],
    });
  }
  const entry = routes.byTool.get(name);
  if (!entry) throw new HttpError(404, 'not_found', `no tool named "${name}"; the operation's description lists the tools`);
  return entry;
}

/** describe_tool's answer: what the model needs to call a tool through call_tool, from the catalog alone. */
export function describeTool(entry: ToolEntry): Record<string, unknown> {
  const { tool } = entry;
  const title = tool.title ?? tool.annotations?.title;
  return {
    name: tool.name,
    ...(title !== undefined && title !== tool.name ? { title } : {}),
    ...(tool.description?.trim() ? { description: tool.description.trim() } : {}),
    readOnly: tool.annotations?.readOnlyHint === true,
    inputSchema: entry.inputSchema,
  };
}

function asArguments(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_arguments', `the arguments for ${what} must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, {
      details: [{ path: '', message: 'must be object' }],
    });
  }
  return value as Record<string, unknown>;
}

export interface InvokeOptions {
  /** Aborting it (the HTTP client went away) cancels the call upstream. */
  signal?: AbortSignal;
  /** The verified caller, passed on to the upstream (per-user upstreams pick by it). */
  identity?: Identity;
  /** Budget of the call instead of ctx.callTimeoutMs (a call that may become a job gets the job's). */
  timeoutMs?: number;
  onProgress?: CallOptions['onProgress'];
  onStatus?: CallOptions['onStatus'];
  /** Throws (an HttpError 403) unless the caller may call the resolved tool: checked before its arguments. */
  authorize?: (entry: ToolEntry) => void;
}

/** A call whose tool and arguments are known and valid: ready to run. */
export interface PreparedCall {
  entry: ToolEntry;
  args: Record<string, unknown>;
}

/** Resolves, authorizes and validates a call; throws HttpError 400/403/404. */
export function prepareCall(ctx: InvokeContext, route: Route, body: unknown, authorize?: (entry: ToolEntry) => void): PreparedCall {
  const { entry, args } = resolveCall(route, ctx.routes, body);
  authorize?.(entry);
  const problems = entry.validateInput(args);
  if (problems) throw invalidArguments(entry.tool.name, problems);
  return { entry, args };
}

/**
 * describe_tool: the named tool's description and input schema, answered from the catalog (no upstream call,
 * never a job). Never throws: every outcome is a response.
 */
export function describeCall(ctx: InvokeContext, route: Route, body: unknown): Invocation {
  try {
    const entry = namedTool(asArguments(body, `operation "${route.operationId}"`), ctx.routes, '{"name": "<tool name>"}');
    const described = describeTool(entry);
    const json = JSON.stringify(described);
    if (json.length > ctx.maxResponseChars) {
      throw new HttpError(502, 'response_too_large', `the input schema of tool "${entry.tool.name}" takes ${json.length} characters, over the limit of ${ctx.maxResponseChars}`);
    }
    return { tool: entry.tool.name, response: { status: 200, body: described, json } };
  } catch (error) {
    const mapped = mapCallError(error, route.operationId, ctx.callTimeoutMs);
    return { response: errorResponse(mapped), error };
  }
}

/** Runs one call. Never throws: every outcome is a response. */
export async function invokeTool(ctx: InvokeContext, route: Route, body: unknown, options: InvokeOptions = {}): Promise<Invocation> {
  let prepared: PreparedCall;
  try {
    if (route.kind === 'describe') return describeCall(ctx, route, body);
    prepared = prepareCall(ctx, route, body, options.authorize);
  } catch (error) {
    const mapped = mapCallError(error, route.entry?.tool.name ?? route.operationId, ctx.callTimeoutMs);
    return { ...(route.entry ? { tool: route.entry.tool.name } : {}), response: errorResponse(mapped, ctx.maxResponseChars), error };
  }
  return runCall(ctx, prepared, options);
}

/** Runs a prepared call. Never throws: every outcome is a response. */
export async function runCall(ctx: InvokeContext, { entry, args }: PreparedCall, options: InvokeOptions = {}): Promise<Invocation> {
  const tool = entry.tool.name;
  const timeoutMs = options.timeoutMs ?? ctx.callTimeoutMs;
  try {
    const result = await callUpstream(ctx, entry, args, { ...options, timeoutMs });
    return { tool, response: ctx.files ? await mapWithFiles(result, ctx.maxResponseChars, ctx.files) : mapToolResult(result, ctx.maxResponseChars) };
  } catch (error) {
    const mapped = mapCallError(error, tool, timeoutMs);
    return { tool, response: errorResponse(mapped, ctx.maxResponseChars), error };
  }
}

/**
 * The answer with the result's document files in `openaiFileResponse`: inline while the whole answer stays
 * within `maxChars`, else as download URLs (files the store has no room for stay described only).
 */
export async function mapWithFiles(result: ToolResultLike, maxChars: number, files: FileOutput): Promise<MappedResponse> {
  const structured = result.structuredContent;
  const hasStructured = structured !== undefined && structured !== null && typeof structured === 'object' && !Array.isArray(structured);
  if (result.isError === true || hasStructured || !Array.isArray(result.content)) return mapToolResult(result, maxChars);
  const found = collectFiles(result.content);
  if (found.length === 0) return mapToolResult(result, maxChars);
  // Inline only when the base64 alone leaves room (no need to build a 7 MB body to find out it is too long).
  if (found.reduce((n, f) => n + f.base64.length, 0) < maxChars) {
    const inline = mapToolResult(result, maxChars, found.map((f) => ({ name: f.name, mime_type: f.mimeType, content: f.base64 })), true);
    if (inline) return inline;
  }
  const urls: string[] = [];
  const base = files.baseUrl.replace(/\/+$/, '');
  for (const f of found) {
    const id = await files.store.put({ name: f.name, mimeType: f.mimeType, bytes: Buffer.from(f.base64, 'base64') });
    if (id !== undefined) urls.push(`${base}/files/${id}`);
  }
  return urls.length ? mapToolResult(result, maxChars, urls)! : mapToolResult(result, maxChars);
}
