/**
 * `mcp-actions call TOOL --args '{…}'`: one call through the adapter's mapping, printing the status and
 * the body `serve` would answer. For trying a tool from the terminal.
 */
import { invokeTool } from '../adapter/invoke.js';
import { DEFAULT_CALL_TIMEOUT_MS } from '../adapter/app.js';
import { DEFAULT_MAX_RESPONSE_CHARS } from '../adapter/map-result.js';
import { publishSpec } from '../adapter/spec-source.js';
import { Upstream } from '../adapter/upstream.js';
import { createValidatorFactory } from '../adapter/validate-args.js';
import { UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from '../mcp/connect.js';
import type { CommandIO } from './io.js';
import { parseIntFlag } from './serve-options.js';
import { parseTimeout, resolveTarget, type TargetOptions } from './target-options.js';

export interface CallOptions extends TargetOptions {
  args?: string;
  callTimeout?: string;
  maxResponseChars?: string;
}

/** Exit code: 0 when the adapter would answer 2xx, 1 otherwise. */
export async function callCommand(tool: string, operands: string[], opts: CallOptions, io: CommandIO): Promise<number> {
  const args = parseArgs(opts.args);
  const callTimeoutMs = parseIntFlag(opts.callTimeout, '--call-timeout', DEFAULT_CALL_TIMEOUT_MS);
  const maxResponseChars = parseIntFlag(opts.maxResponseChars, '--max-response-chars', DEFAULT_MAX_RESPONSE_CHARS, 1000);
  const target = await resolveTarget(opts, operands, io);
  const timeoutMs = parseTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  const upstream = await Upstream.start(target, { timeoutMs, baseEnv: io.env });
  try {
    const { catalog } = upstream;
    // The routes `serve` would publish (same selection, same operationIds); generic profile: no server URL
    // rules and no 30-operation limit for a single call from the terminal.
    const { routes } = publishSpec(catalog, { serverUrl: 'http://127.0.0.1', profile: 'generic' }, createValidatorFactory());
    // The MCP tool name, or the operationId the spec gives it.
    const route = [...routes.byPath.values()].find((r) => r.entry !== undefined && (r.entry.tool.name === tool || r.operationId === tool));
    if (!route) {
      const callable = [...routes.byTool.keys()];
      throw new UsageError(`the server has no tool "${tool}"`, { hint: `its tools: ${callable.join(', ') || '(none)'}` });
    }
    const { response } = await invokeTool({ upstream, routes, callTimeoutMs, maxResponseChars }, route, args);
    io.stdout(`${response.status}\n${JSON.stringify(response.body, null, 2)}\n`);
    return response.status < 400 ? 0 : 1;
  } finally {
    await upstream.close();
  }
}

function parseArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON (${(error as Error).message})`, { hint: `quote it for the shell: --args '{"city": "Lisbon"}'` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('--args must be a JSON object of the tool\'s arguments', { hint: `e.g. --args '{"city": "Lisbon"}'` });
  }
  return value as Record<string, unknown>;
}
