/**
 * `tools/call` for servers that run tools as tasks. Two revisions of the same idea:
 * - MCP 2025-11-25 (experimental, `capabilities.tasks.requests.tools.call`): a tool with
 *   `execution.taskSupport: "required"` must be called with `params.task`; the server answers a CreateTaskResult
 *   `{task: {taskId, status, pollInterval}}`, the client polls `tasks/get`, reads `tasks/result` (the
 *   CallToolResult) and cancels with `tasks/cancel`.
 * - The 2026-07-28 extension `io.modelcontextprotocol/tasks`: the client declares it in each request's
 *   `_meta["io.modelcontextprotocol/clientCapabilities"]`, the server may answer any `tools/call` with
 *   `{resultType: "task", taskId, status, pollIntervalMs}`, `tasks/get` carries the final `result` or `error`,
 *   `tasks/cancel` is an empty ack.
 * Either way the caller gets a plain CallToolResult back, as from a call that was never a task: the adapter
 * keeps the call running itself (as a job when it is slow). Progress keeps flowing (the `tools/call`'s progress
 * token stays valid for the task's life), status messages come as `onstatus`. A task that needs input
 * (`input_required`: elicitation) is cancelled and reported as TaskInputRequiredError: this client cannot relay it.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
 */
import { ErrorCode, isObject, MalformedMessageError, McpError } from './json-rpc.js';
import type { Progress, McpSession } from './session.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
const CLIENT_CAPABILITIES_META = 'io.modelcontextprotocol/clientCapabilities';

/** Shortest and longest wait between two `tasks/get` (whatever pollInterval the server suggests). */
export const MIN_POLL_MS = 200;
export const MAX_POLL_MS = 5000;
/** The task lifetime asked for (the server may choose another). */
export const DEFAULT_TASK_TTL_MS = 60 * 60 * 1000;
/** Budget of the `tasks/cancel` sent when a task is abandoned. */
const CANCEL_TIMEOUT_MS = 2000;

export type TaskMode = 'none' | 'core' | 'extension';

/** How a server runs tasks, from its initialize (or server/discover) capabilities. */
export function taskMode(capabilities: Record<string, unknown> | undefined): TaskMode {
  const extensions = capabilities?.extensions;
  if (isObject(extensions) && isObject(extensions[TASKS_EXTENSION])) return 'extension';
  const tasks = capabilities?.tasks;
  const requests = isObject(tasks) ? tasks.requests : undefined;
  const tools = isObject(requests) ? requests.tools : undefined;
  if (isObject(tools) && isObject(tools.call)) return 'core';
  return 'none';
}

export interface ToolCallOptions {
  /** Budget of the whole call, task polling included (ms). */
  timeout: number;
  /** Aborting it cancels the call upstream (`notifications/cancelled`, or `tasks/cancel` for a task). */
  signal?: AbortSignal;
  onprogress?: (progress: Progress) => void;
  /** A task's status message, each time it changes. */
  onstatus?: (message: string) => void;
  /** The tool's `execution.taskSupport` from tools/list. */
  taskSupport?: 'required' | 'optional' | 'forbidden';
  /** Task lifetime to ask for (default 1 h). */
  taskTtlMs?: number;
}

/** The task wanted input (elicitation) that this client cannot relay; the task was cancelled. */
export class TaskInputRequiredError extends Error {
  constructor(
    readonly tool: string,
    readonly statusMessage?: string,
  ) {
    super(
      `tool "${tool}" stopped to ask the user for input${statusMessage ? ` ("${statusMessage}")` : ''}, which mcp-actions cannot relay yet; the task was cancelled`,
    );
    this.name = 'TaskInputRequiredError';
  }
}

/** The server cancelled the task, or reported it failed without a result. */
export class TaskEndedError extends Error {
  constructor(
    readonly status: 'cancelled' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'TaskEndedError';
  }
}

let progressTokens = 0;

/**
 * One `tools/call`, run as a task when the server wants it so; resolves with the CallToolResult. Rejects as
 * `session.request` does (McpError: the server's JSON-RPC error, RequestTimeout, ConnectionClosed), or with
 * TaskInputRequiredError / TaskEndedError.
 */
export async function callTool(session: McpSession, name: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<Record<string, unknown>> {
  const mode = taskMode(session.capabilities);
  const params: Record<string, unknown> = { name, arguments: args };
  if (mode === 'core' && options.taskSupport === 'required') return callAsCoreTask(session, params, options);
  if (mode === 'extension') params._meta = { [CLIENT_CAPABILITIES_META]: { extensions: { [TASKS_EXTENSION]: {} } } };
  const deadline = performance.now() + options.timeout;
  const result = await session.request('tools/call', params, {
    timeout: options.timeout,
    signal: options.signal,
    ...(options.onprogress ? { onprogress: options.onprogress } : {}),
  });
  if (mode === 'extension' && result.resultType === 'task') return followExtensionTask(session, name, result, deadline, options);
  return result;
}

interface TaskState {
  taskId: string;
  status: string;
  statusMessage?: string;
  pollMs: number;
}

function readTask(value: unknown, what: string, pollKey: 'pollInterval' | 'pollIntervalMs'): TaskState {
  if (!isObject(value) || typeof value.taskId !== 'string' || value.taskId === '' || typeof value.status !== 'string') {
    throw new MalformedMessageError(`${what} has no task with a taskId and a status`);
  }
  const poll = value[pollKey];
  return {
    taskId: value.taskId,
    status: value.status,
    ...(typeof value.statusMessage === 'string' ? { statusMessage: value.statusMessage } : {}),
    pollMs: Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, typeof poll === 'number' && Number.isFinite(poll) ? poll : 1000)),
  };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

async function callAsCoreTask(session: McpSession, params: Record<string, unknown>, options: ToolCallOptions): Promise<Record<string, unknown>> {
  const name = params.name as string;
  const deadline = performance.now() + options.timeout;
  // The progress token outlives the tools/call request: the task keeps sending progress with it.
  const token = `mcp-actions-task-${++progressTokens}`;
  const unwatch = options.onprogress ? session.watchProgress(token, options.onprogress) : undefined;
  try {
    const created = await session.request(
      'tools/call',
      { ...params, task: { ttl: options.taskTtlMs ?? DEFAULT_TASK_TTL_MS }, ...(options.onprogress ? { _meta: { progressToken: token } } : {}) },
      { timeout: options.timeout, signal: options.signal },
    );
    let task = readTask(created.task, 'the tools/call answer (a CreateTaskResult)', 'pollInterval');
    const cancel = () => (isObject(session.capabilities?.tasks) && isObject(session.capabilities.tasks.cancel) ? sendCancel(session, task.taskId) : Promise.resolve());
    try {
      let said = task.statusMessage;
      if (said !== undefined) options.onstatus?.(said);
      while (!TERMINAL.has(task.status)) {
        if (task.status === 'input_required') throw new TaskInputRequiredError(name, task.statusMessage);
        await pause(task.pollMs, deadline, options.signal);
        const got = await session.request('tasks/get', { taskId: task.taskId }, { timeout: remaining(deadline), signal: options.signal });
        task = readTask(got, 'the tasks/get answer', 'pollInterval');
        if (task.statusMessage !== undefined && task.statusMessage !== said) options.onstatus?.((said = task.statusMessage));
      }
      if (task.status === 'cancelled') throw new TaskEndedError('cancelled', `the MCP server cancelled the task of tool "${name}"${task.statusMessage ? `: ${task.statusMessage}` : ''}`);
      // completed or failed: tasks/result answers exactly what the call would have (a result, or its JSON-RPC error)
      return await session.request('tasks/result', { taskId: task.taskId }, { timeout: remaining(deadline), signal: options.signal });
    } catch (error) {
      if (!TERMINAL.has(task.status)) await cancel();
      throw error;
    }
  } finally {
    unwatch?.();
  }
}

async function followExtensionTask(
  session: McpSession,
  name: string,
  created: Record<string, unknown>,
  deadline: number,
  options: ToolCallOptions,
): Promise<Record<string, unknown>> {
  let task = readTask(created, 'the tools/call answer (resultType "task")', 'pollIntervalMs');
  let detail: Record<string, unknown> = created;
  const meta = { [CLIENT_CAPABILITIES_META]: { extensions: { [TASKS_EXTENSION]: {} } } };
  try {
    let said = task.statusMessage;
    if (said !== undefined) options.onstatus?.(said);
    while (!TERMINAL.has(task.status)) {
      if (task.status === 'input_required') throw new TaskInputRequiredError(name, task.statusMessage);
      await pause(task.pollMs, deadline, options.signal);
      detail = await session.request('tasks/get', { taskId: task.taskId, _meta: meta }, { timeout: remaining(deadline), signal: options.signal });
      task = readTask(detail, 'the tasks/get answer', 'pollIntervalMs');
      if (task.statusMessage !== undefined && task.statusMessage !== said) options.onstatus?.((said = task.statusMessage));
    }
  } catch (error) {
    if (!TERMINAL.has(task.status)) await sendCancel(session, task.taskId);
    throw error;
  }
  if (task.status === 'completed') {
    if (!isObject(detail.result)) throw new MalformedMessageError('the tasks/get answer for a completed task has no "result" object');
    return detail.result;
  }
  if (task.status === 'failed') {
    const error = detail.error;
    if (isObject(error) && Number.isInteger(error.code) && typeof error.message === 'string') throw new McpError(error.code as number, error.message, error.data);
    throw new TaskEndedError('failed', `the task of tool "${name}" failed${task.statusMessage ? `: ${task.statusMessage}` : ''}`);
  }
  throw new TaskEndedError('cancelled', `the MCP server cancelled the task of tool "${name}"${task.statusMessage ? `: ${task.statusMessage}` : ''}`);
}

/** Best effort: the answer (or its absence) changes nothing for the caller. */
async function sendCancel(session: McpSession, taskId: string): Promise<void> {
  await session.request('tasks/cancel', { taskId }, { timeout: CANCEL_TIMEOUT_MS }).catch(() => undefined);
}

function remaining(deadline: number): number {
  const left = Math.round(deadline - performance.now());
  if (left <= 0) throw new McpError(ErrorCode.RequestTimeout, 'Request timed out');
  return left;
}

/** Waits `ms` (or until the deadline, which rejects with RequestTimeout), or rejects when the signal aborts. */
function pause(ms: number, deadline: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const left = deadline - performance.now();
  return new Promise((resolve, reject) => {
    const expired = left <= ms;
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      if (expired) reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out'));
      else resolve();
    }, Math.max(0, Math.min(ms, left)));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
