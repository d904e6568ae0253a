import { Command, Option } from 'commander';
import { HELP_GROUP, inOptionsGroup } from './help-groups.js';
import { addTargetOptions, collect, type Runner } from './shared.js';

/** The spec flags (SpecOptions): shared by `generate openapi`, `generate gpt` and `serve`. */
/** The spec flags shared by generate openapi/gpt and serve; serve shows --public-url instead of --server-url. */
export function addSpecOptions(cmd: Command, { hideServerUrl = false } = {}): Command {
  return inOptionsGroup(cmd, HELP_GROUP.spec, (c) => {
    const serverUrl = new Option('--server-url <url>', 'public base URL of the adapter (https, no port, for ChatGPT)');
    c.addOption(hideServerUrl ? serverUrl.hideHelp() : serverUrl)
      .addOption(new Option('--profile <profile>', 'gpt-actions applies ChatGPT\'s limits; generic drops them').choices(['gpt-actions', 'generic']).default('gpt-actions'))
      .addOption(new Option('--consequential <mode>', 'x-openai-isConsequential: from annotations (not read-only → true), all or none').choices(['annotations', 'all', 'none']).default('annotations'))
      .option('--include <glob>', 'only tools whose name matches (repeatable)', collect)
      .option('--exclude <glob>', 'leave out tools whose name matches (repeatable)', collect)
      .addOption(new Option('--overflow <mode>', 'more tools than the 30 operations hold: error, or generic (27 operations + call_tool, describe_tool and get_job)').choices(['error', 'generic']).default('error'))
      .addOption(new Option('--openapi <version>', 'OpenAPI version (ChatGPT needs 3.1)').choices(['3.1', '3.0']).default('3.1'))
      .option('--no-async', 'no jobs: calls never answer 202, the spec has no get_job (serve answers 504 past --call-timeout)')
      .addOption(new Option('--files <mode>', 'document files a tool returns: auto (openaiFileResponse, inline or as download URLs) or none (described only)').choices(['auto', 'none']).default('auto'))
      .option('--template <file>', 'YAML merged under the spec (default templates/openapi.base.yaml)')
      .option('--fail-on-shorten', 'exit 1 instead of shortening texts over ChatGPT\'s limits');
  });
}

/** The security scheme flags (the spec's, and for serve also what the adapter checks). */
export function addAuthOptions(cmd: Command): Command {
  return inOptionsGroup(cmd, HELP_GROUP.auth, (c) =>
    c
      .addOption(new Option('--auth <type>', 'the one security scheme').choices(['none', 'api-key', 'bearer', 'basic', 'oauth']).default('none'))
      .option('--api-key-header <name>', 'header of --auth api-key (default X-API-Key)')
      .option('--oauth-authorization-url <url>', 'OAuth authorization URL (--auth oauth)')
      .option('--oauth-token-url <url>', 'OAuth token URL (--auth oauth)')
      .option('--oauth-scopes <a,b>', 'OAuth scopes, comma-separated (--auth oauth)'),
  );
}

/** generate's --oauth-issuer (serve declares its own: there the issuer also checks the tokens). */
function addIssuerOption(cmd: Command): Command {
  return inOptionsGroup(cmd, HELP_GROUP.auth, (c) =>
    c.option('--oauth-issuer <url>', 'OAuth authorization server: its metadata fills the authorization and token URLs (--auth oauth; https, http on loopback only)'),
  );
}

/** Declares the `generate` group and its `openapi` and `gpt` subcommands; returns the group. */
export function defineGenerate(program: Command, run: Runner): Command {
  const group = program
    .command('generate')
    .summary('generate an OpenAPI spec, a GPT bundle, or OpenAI tool definitions')
    .description('Introspect an MCP server and generate what a client needs to call it.');

  const openapi = group
    .command('openapi')
    .summary('print the OpenAPI 3.1 spec of an MCP server for ChatGPT Actions')
    .description('Connect to an MCP server, list its tools and print an OpenAPI spec with one POST /tools/{name} per tool.')
    .option('-o, --output <file>', 'write to a file (.json → JSON) instead of stdout')
    .addOption(new Option('--format <format>', 'yaml (default) or json').choices(['yaml', 'json']));
  addIssuerOption(addAuthOptions(addSpecOptions(addTargetOptions(openapi)))).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions generate openapi --server-url https://api.example.com -- node fixtures/servers/demo.mjs
  $ mcp-actions generate openapi --server-url https://api.example.com --auth bearer -o openapi.json --url http://127.0.0.1:3001/mcp
  $ mcp-actions generate openapi --server-url https://api.example.com --include 'get-*' --exclude get-env -- npx -y @modelcontextprotocol/server-everything`,
  );
  openapi.action((server: string[], opts) =>
    run(async (io) => (await import('../commands/generate.js')).generateOpenapiCommand(server, opts, io)),
  );

  const gpt = group
    .command('gpt')
    .summary('write a Custom GPT bundle: openapi.yaml, instructions.md, privacy-policy.md, SETUP.md, PLUGIN.md')
    .description('Generate everything the GPT builder asks for, ready to paste, into --out-dir.')
    .option('--out-dir <dir>', 'directory to write the bundle to (created if missing)')
    .option('--templates <dir>', 'directory with instructions.md, privacy-policy.md, SETUP.md, PLUGIN.md templates to use instead of the bundled ones')
    .option('--privacy-url <url>', 'where you publish privacy-policy.md (shown in SETUP.md)')
    .option('--force', 'overwrite files that already exist in --out-dir');
  addIssuerOption(addAuthOptions(addSpecOptions(addTargetOptions(gpt)))).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions generate gpt --server-url https://api.example.com --out-dir gpt -- node fixtures/servers/demo.mjs
  $ mcp-actions generate gpt --server-url https://api.example.com --auth api-key --out-dir gpt --config mcp.json --server memory
  $ mcp-actions generate gpt --server-url https://api.example.com --auth oauth --oauth-issuer https://auth.example.com \
      --oauth-scopes tools:read,tools:write --out-dir gpt -- node fixtures/servers/demo.mjs`,
  );
  gpt.action((server: string[], opts) =>
    run(async (io) => (await import('../commands/generate-gpt.js')).generateGptCommand(server, opts, io)),
  );
  return group;
}
