import type { Command } from 'commander';
import { addTargetOptions, type Runner } from './shared.js';

export function defineCall(program: Command, run: Runner): void {
  const cmd = program
    .command('call')
    .summary('call one tool through the adapter\'s mapping and print the HTTP status and body')
    .description('Call one tool of an MCP server the way `serve` would, and print the status and JSON body it would answer.')
    .argument('<tool>', 'the tool: its MCP name or its operationId')
    .option('--args <json>', 'the arguments, a JSON object', '{}')
    .option('--call-timeout <ms>', 'budget of the call; slower calls answer 504 and are cancelled', '40000')
    .option('--max-response-chars <n>', 'longer responses are cut with a marker', '100000');
  addTargetOptions(cmd).addHelpText(
    'after',
    `
Exit code: 0 when the answer is 2xx, 1 otherwise.

Examples:
  $ mcp-actions call get_forecast --args '{"city": "Lisbon"}' -- node fixtures/servers/demo.mjs
  $ mcp-actions call echo --args '{"message": "hi"}' --url http://127.0.0.1:3001/mcp`,
  );
  cmd.action((tool: string, server: string[], opts) =>
    run(async (io) => (await import('../commands/call.js')).callCommand(tool, server, opts, io)),
  );
}
