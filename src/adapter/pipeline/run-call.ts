/**
 * The call pipeline both faces share, after the caller is known: arguments checked against the tool's compiled
 * input schema, `tools/call` upstream through the in-flight limiter with the call budget, the caller's abort
 * signal and progress, and the structured result checked against the output schema. The REST face maps what
 * comes out to an HTTP answer (invoke.ts), the MCP face to a JSON-RPC one (mcp-face/call.ts).
 */
import { HttpError } from '../http-error.js';
import type { Identity } from '../identity/identity.js';
import { MAX_RESULT_DEPTH, nestsDeeperThan, type ToolResultLike } from '../map-result.js';
import type { ToolEntry } from '../routes.js';
import type { CallOptions, CallProgress, ToolCaller } from '../upstream.js';
import { invalidArguments } from '../validate-args.js';

export interface CallContext {
  upstream: ToolCaller;
  /** Budget of one tools/call, in ms. */
  callTimeoutMs: number;
}

export interface RunCallOptions {
  /** Aborting it (the client went away or cancelled) cancels the call upstream. */
  signal?: AbortSignal;
  /** The verified caller, passed on to the upstream (per-user upstreams pick by it). */
  identity?: Identity;
  /** Progress the server reports for this call (asks the server for it). */
  onProgress?: (progress: CallProgress) => void;
  /** Budget of the call instead of ctx.callTimeoutMs (a call that may become a job gets the job's). */
  timeoutMs?: number;
  /** Status of the MCP task the call runs as, when the server runs it as one. */
  onStatus?: CallOptions['onStatus'];
}

/**
 * Runs one call of `entry`. Resolves with the server's result (an `isError` result included); rejects with an
 * HttpError (400 invalid_arguments, 502 bad structured output, or the limiter's 503) or whatever the upstream
 * rejected with (McpError, McpConnectionError): both faces map those with mapCallError.
 */
export async function runToolCall(ctx: CallContext, entry: ToolEntry, args: Record<string, unknown>, options: RunCallOptions = {}): Promise<ToolResultLike> {
  const problems = entry.validateInput(args);
  if (problems) throw invalidArguments(entry.tool.name, problems);
  return callUpstream(ctx, entry, args, options);
}

/** runToolCall for arguments checked already: `tools/call` upstream, then the structured result checked. */
export async function callUpstream(ctx: CallContext, entry: ToolEntry, args: Record<string, unknown>, options: RunCallOptions = {}): Promise<ToolResultLike> {
  const tool = entry.tool.name;
  const result = await ctx.upstream.callTool(tool, args, {
    timeoutMs: options.timeoutMs ?? ctx.callTimeoutMs,
    signal: options.signal,
    identity: options.identity,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
  // Validation and serialisation recurse: a result nested thousands deep would overflow the stack (a 500).
  if (nestsDeeperThan(result.structuredContent, MAX_RESULT_DEPTH)) {
    throw new HttpError(502, 'upstream_error', `tool "${tool}" returned structuredContent nested deeper than ${MAX_RESULT_DEPTH} levels, which the adapter does not pass on`);
  }
  if (entry.validateOutput && result.isError !== true) {
    const structured = result.structuredContent;
    if (structured === undefined || structured === null) {
      throw new HttpError(502, 'upstream_error', `tool "${tool}" declares an outputSchema but returned no structuredContent`);
    }
    const bad = entry.validateOutput(structured);
    if (bad) {
      throw new HttpError(502, 'upstream_error', `tool "${tool}" returned structuredContent that does not match its outputSchema: ${bad.slice(0, 3).map((p) => p.message).join('; ')}`, {
        details: bad,
      });
    }
  }
  return result;
}
