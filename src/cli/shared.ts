/**
 * Pieces every command definition uses: the shared target flags and the handler type.
 * Command definitions (src/cli/*.ts) only declare flags and lazily import their command, so that
 * `mcp-actions --version` starts without loading the SDK, express or the validators.
 */
import { Command, Option } from 'commander';
import type { CommandIO } from '../commands/io.js';
import { EXIT_FAILURE, McpActionsError, formatError } from '../errors.js';
import { HELP_GROUP, inOptionsGroup } from './help-groups.js';

/** A command handler returns its exit code; it throws typed errors for the CLI to map. */
export type Handler = (io: CommandIO) => Promise<number>;

export interface RunOptions {
  /**
   * The handler installs its own SIGINT/SIGTERM handling (serve drains). Otherwise a signal stops the MCP
   * servers the command started (they run in process groups of their own, out of reach of a terminal's
   * Ctrl-C) and exits 130.
   */
  ownSignals?: boolean;
}

/** Runs a handler with the process's IO and maps errors: supplied by cli.ts. */
export type Runner = (handler: Handler, options?: RunOptions) => Promise<void>;

/**
 * Writes the message for a failed command and returns its exit code: one line for a known error,
 * "unexpected error, please report" and the stack for anything else.
 */
export function describeError(error: unknown, write: (text: string) => void): number {
  if (error instanceof McpActionsError) {
    write(`mcp-actions: ${formatError(error)}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(`mcp-actions: unexpected error, please report it at https://github.com/mcp-actions/mcp-actions/issues\n${stack}\n`);
  return EXIT_FAILURE;
}

/**
 * `inspect npx -y pkg` (no `--`): commander stops at `-y` as an unknown option of inspect. When an unknown
 * option follows the start of a server command, say that the server's command goes after `--`.
 */
function explainServerFlags(cmd: Command): void {
  const patched = cmd as unknown as { unknownOption(flag: string): void; args: string[] };
  const unknownOption = patched.unknownOption.bind(cmd);
  patched.unknownOption = (flag: string) => {
    const at = patched.args.indexOf(flag);
    if (at > 0 && !patched.args[0]!.startsWith('-') && !/^https?:\/\//i.test(patched.args[0]!)) {
      const path: string[] = [];
      for (let c: Command | null = cmd; c?.parent; c = c.parent) path.unshift(c.name());
      const quoted = patched.args.map((a) => (/^[\w@%+=:,./~-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
      cmd.error(
        `error: unknown option '${flag}': options after the server's command belong to it, so the command goes after --:\n` +
          `  mcp-actions ${path.join(' ')} [options] -- ${quoted.join(' ')}`,
        { code: 'commander.unknownOption' },
      );
    }
    unknownOption(flag);
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the target flags of DESIGN.md "Targets" and the trailing `[command...]` operand. */
export function addTargetOptions(cmd: Command): Command {
  cmd.argument('[server...]', 'the server: a command and its arguments after --, or an http(s) URL');
  explainServerFlags(cmd);
  return inOptionsGroup(cmd, HELP_GROUP.target, (c) =>
    c
      .option('--url <url>', 'MCP server URL (Streamable HTTP, falling back to legacy SSE)')
      .addOption(new Option('--transport <kind>', 'force the HTTP transport').choices(['streamable-http', 'sse']))
      .option('--header <header>', 'HTTP header for the server, "Name: value" (repeatable)', collect)
      .option('--config <file>', 'a Claude Desktop / Cursor / VS Code MCP config file')
      .option('--server <name>', 'which server of the --config file')
      .option('--env <KEY=VALUE>', 'add to a stdio server\'s environment (repeatable)', collect)
      .option('--cwd <dir>', 'working directory of a stdio server')
      .option('--timeout <ms>', 'timeout for connecting and for each request, in ms', '30000'),
  );
}
