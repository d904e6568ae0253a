/**
 * Typed errors. Core modules throw these; `cli.ts` maps them to a one-line message and an exit code
 * in one place (DESIGN.md: 0 success · 1 problems found · 2 usage, configuration or connection failure).
 */

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_FAILURE = 2;
/** Stopped by an operator's signal before the work was done (128 + SIGINT, as shells report an interrupt). */
export const EXIT_INTERRUPTED = 130;

export type ExitCode = typeof EXIT_OK | typeof EXIT_PROBLEMS | typeof EXIT_FAILURE;

/** Base class: a known failure with a message that names the cause and a hint that says what to do. */
export class McpActionsError extends Error {
  readonly exitCode: ExitCode = EXIT_FAILURE;
  readonly hint?: string;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Bad flags or arguments. */
export class UsageError extends McpActionsError {}

/** A config file, template or option value that cannot be used. */
export class ConfigError extends McpActionsError {}

export type McpConnectionErrorKind =
  | 'spawn' // the command could not be started
  | 'exited' // the server process exited before answering
  | 'refused' // the URL refused the connection / host not found
  | 'http' // the server answered with an HTTP error (5xx)
  | 'auth' // 401 / 403
  | 'protocol' // the other side does not speak MCP
  | 'timeout' // no answer in time
  | 'closed' // the connection dropped
  | 'pagination'; // tools/list paging went wrong

/** Anything that went wrong talking to an MCP server. */
export class McpConnectionError extends McpActionsError {
  readonly kind: McpConnectionErrorKind;
  /** Last lines the server wrote on stderr, when it is a child process. */
  readonly stderrTail?: string[];
  constructor(
    kind: McpConnectionErrorKind,
    message: string,
    options?: { hint?: string; cause?: unknown; stderrTail?: string[] },
  ) {
    super(message, options);
    this.kind = kind;
    this.stderrTail = options?.stderrTail;
  }
}

/** The shared state store (`serve --redis`) cannot be reached at start. */
export class StateStoreError extends McpActionsError {}

/** The command ran and found problems (invalid spec, drift, breaking change, limits exceeded). */
export class ProblemsFoundError extends McpActionsError {
  override readonly exitCode: ExitCode = EXIT_PROBLEMS;
  readonly problems: string[];
  constructor(message: string, options?: { hint?: string; cause?: unknown; problems?: string[] }) {
    super(message, options);
    this.problems = options?.problems ?? [];
  }
}

/** One line for a known error: the cause, then what to do about it; no stack. */
export function formatError(error: McpActionsError): string {
  return error.hint ? `${error.message}; ${error.hint}` : error.message;
}
