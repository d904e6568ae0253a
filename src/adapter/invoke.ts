/**
 * One call through the adapter's mapping, without HTTP: arguments checked against the compiled input
 * schema, `tools/call` upstream with the call budget, the result (or failure) mapped to status + body.
 * Shared by the express route and `mcp-actions call`, so both answer the same.
 */
import { HttpError } from './http-error.js';
import type { Identity } from './identity/identity.js';
import { mapCallError } from './map-error.js';
import { mapToolResult, type MappedResponse } from './map-result.js';
import type { Route, RouteTable, ToolEntry } from './routes.js';
import type { ToolCaller } from './upstream.js';
import { runToolCall } from './pipeline/run-call.js';

export interface InvokeContext {
  upstream: ToolCaller;
  routes: RouteTable;
  callTimeoutMs: number;
  maxResponseChars: number;
}

export interface Invocation {
  /** MCP tool name actually called (after resolving the generic operation), when known. */
  tool?: string;
  response: MappedResponse & { headers?: Record<string, string> };
  /** The error behind a failure answer (for the log), if any. */
  error?: unknown;
}

export function errorResponse(error: HttpError): MappedResponse & { headers?: Record<string, string> } {
  const { status, body, headers } = error.toResponse();
  return { status, body, json: JSON.stringify(body), ...(headers ? { headers } : {}) };
}

/** Resolves the tool and arguments of a request body; throws HttpError 400/404. */
export function resolveCall(route: Route, routes: RouteTable, body: unknown): { entry: ToolEntry; args: Record<string, unknown> } {
  if (route.entry) return { entry: route.entry, args: asArguments(body, `tool "${route.entry.tool.name}"`) };
  const call = asArguments(body, `operation "${route.operationId}"`);
  const name = call.name;
  if (typeof name !== 'string' || name === '') {
    throw new HttpError(400, 'invalid_arguments', 'send {"name": "<tool name>", "arguments": {…}}: "name" is missing', {
      details: [{ path: '/name', message: 'missing required property "name"' }],
    });
  }
  const entry = routes.byTool.get(name);
  if (!entry) throw new HttpError(404, 'not_found', `no tool named "${name}"; the operation's description lists the tools`);
  return { entry, args: asArguments(call.arguments, `tool "${name}"`) };
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
}

/** Runs one call. Never throws: every outcome is a response. */
export async function invokeTool(ctx: InvokeContext, route: Route, body: unknown, options: InvokeOptions = {}): Promise<Invocation> {
  let tool: string | undefined = route.entry?.tool.name;
  try {
    const { entry, args } = resolveCall(route, ctx.routes, body);
    tool = entry.tool.name;
    const result = await runToolCall(ctx, entry, args, options);
    return { tool, response: mapToolResult(result, ctx.maxResponseChars) };
  } catch (error) {
    const mapped = mapCallError(error, tool ?? route.operationId, ctx.callTimeoutMs);
    return { tool, response: errorResponse(mapped), error };
  }
}
