#!/usr/bin/env node
/**
 * The command-line program: commander definitions → commands/*. The only file that touches
 * process.argv, process.exit and the console; errors are mapped to exit codes here, once.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import type { CommandIO } from './commands/io.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from './errors.js';
import { describeError } from './cli/shared.js';
import { defineInspect } from './cli/inspect.js';
import { defineValidate } from './cli/validate.js';
import { defineDiff } from './cli/diff.js';
import { defineGenerate } from './cli/generate.js';
import { defineGenerateFunctions } from './cli/generate-functions.js';
import { defineServe } from './cli/serve.js';
import { defineCall } from './cli/call.js';
import type { Handler, RunOptions } from './cli/shared.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const io: CommandIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

/** Runs a command handler and turns its outcome into the process exit code. */
async function run(handler: Handler, options: RunOptions = {}): Promise<void> {
  if (!options.ownSignals) {
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
  }
  try {
    process.exitCode = await handler(io);
  } catch (error) {
    process.exitCode = reportError(error);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/**
 * Ctrl-C (or SIGTERM) during inspect, generate, validate --check, diff, call: the MCP servers run in process
 * groups of their own, so the terminal's SIGINT does not reach them. Stop them (SIGTERM, 1 s, SIGKILL: a server
 * that ignores SIGTERM is not left running), then exit 130. A second signal kills them at once.
 */
async function interrupted(signal: NodeJS.Signals): Promise<void> {
  process.off('SIGINT', interrupted);
  process.off('SIGTERM', interrupted);
  const groups = await import('./mcp/process-group.js');
  const now = () => {
    groups.killAllServerGroups();
    process.exit(EXIT_INTERRUPTED);
  };
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  process.stderr.write(`mcp-actions: ${signal}: stopping the MCP server…\n`);
  await groups.stopAllServerGroups(1000);
  process.exit(EXIT_INTERRUPTED);
}

function reportError(error: unknown): number {
  return describeError(error, (text) => process.stderr.write(text));
}

// `mcp-actions … | head` closes the pipe early: stop quietly, as other CLIs do, instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

const program = new Command()
  .name('mcp-actions')
  .description('Turn an MCP server into an OpenAPI 3.1 spec for ChatGPT Actions, and serve the REST adapter.')
  .version(version, '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
  });

defineInspect(program, run);
defineValidate(program, run);
defineDiff(program, run);
const generate = defineGenerate(program, run);
defineGenerateFunctions(generate, run);
defineServe(program, run);
defineCall(program, run);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // help and --version exit 0; every usage error exits 2
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_FAILURE;
  } else {
    process.exitCode = reportError(error);
  }
}
