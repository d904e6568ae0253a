/** `generate functions` and `generate responses-mcp`: OpenAI tool definitions from an MCP server. */
import { Option, type Command } from 'commander';
import { addTargetOptions, collect, type Runner } from './shared.js';

export function defineGenerateFunctions(generate: Command, run: Runner): void {
  const functions = generate
    .command('functions')
    .summary('print OpenAI function tools (Chat Completions or Responses API)')
    .description(
      'Connect to an MCP server and print its tools as a JSON array of OpenAI function tools. The map from ' +
        'function name back to MCP tool name goes to stderr, or to --name-map FILE.',
    )
    .addOption(new Option('--api <api>', 'which API the definitions are for').choices(['chat', 'responses']).default('chat'))
    .option('--strict', 'convert schemas to the strict (Structured Outputs) subset and mark tools strict')
    .option('--name-map <file>', 'write the name map (function name → MCP tool name) to this JSON file')
    .option('--include <glob>', 'only tools whose name matches (repeatable)', collect)
    .option('--exclude <glob>', 'leave out tools whose name matches (repeatable)', collect);
  addTargetOptions(functions).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions generate functions --api chat -- node fixtures/servers/demo.mjs
  $ mcp-actions generate functions --api responses --strict --name-map names.json --url http://127.0.0.1:3001/mcp
  $ mcp-actions generate functions --include "get_*" --exclude "*_admin" -- node server.js`,
  );
  functions.action((server: string[], opts) =>
    run(async (io) => (await import('../commands/generate-functions.js')).generateFunctionsCommand(server, opts, io)),
  );

  const mcp = generate
    .command('responses-mcp')
    .summary('print a Responses API remote MCP tool block')
    .description(
      'Connect to an MCP server (or to --server-url when no server is given) and print the Responses API ' +
        '{ "type": "mcp", … } tool block: read-only tools need no approval, the others always do. --header ' +
        'names go into the block with placeholder values, never the secrets themselves.',
    )
    .requiredOption('--server-url <url>', 'the URL OpenAI will use to reach the MCP server (a bare https://host means mcp-actions serve there: https://host/mcp)')
    .requiredOption('--label <name>', 'server_label: a short name for the server')
    .option('--include <glob>', 'only tools whose name matches (repeatable)', collect)
    .option('--exclude <glob>', 'leave out tools whose name matches (repeatable)', collect);
  addTargetOptions(mcp).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions generate responses-mcp --server-url https://mcp.example.com/mcp --label notes -- node fixtures/servers/demo.mjs
  $ mcp-actions generate responses-mcp --server-url https://my-adapter.example.com --label notes -- node fixtures/servers/demo.mjs
  $ mcp-actions generate responses-mcp --server-url https://mcp.example.com/mcp --label notes --header "Authorization: Bearer $TOKEN"`,
  );
  mcp.action((server: string[], opts) =>
    run(async (io) => (await import('../commands/generate-responses-mcp.js')).generateResponsesMcpCommand(server, opts, io)),
  );
}
