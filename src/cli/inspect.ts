import type { Command } from 'commander';
import { addTargetOptions, type Runner } from './shared.js';

export function defineInspect(program: Command, run: Runner): void {
  const cmd = program
    .command('inspect')
    .summary('list the tools of an MCP server')
    .description('Connect to an MCP server, read every page of tools/list and print the tools.')
    .option('--json', 'print the full catalog as JSON');
  addTargetOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions inspect -- node fixtures/servers/demo.mjs
  $ mcp-actions inspect --json --url http://127.0.0.1:3001/mcp
  $ mcp-actions inspect --config ~/Library/Application\\ Support/Claude/claude_desktop_config.json --server memory`,
  );
  cmd.action((server: string[], opts) =>
    run(async (io) => (await import('../commands/inspect.js')).inspectCommand(server, opts, io)),
  );
}
