import type { Command } from 'commander';
import { addTargetOptions, type Runner } from './shared.js';

export function defineValidate(program: Command, run: Runner): void {
  const cmd = program
    .command('validate')
    .summary('check a spec against OpenAPI and the ChatGPT Actions importer rules (for CI)')
    .description(
      'Validate an OpenAPI spec (YAML or JSON): OpenAPI structure (external $refs are never followed) and, with the gpt-actions profile, every rule of the ChatGPT Actions importer. With --check, also regenerate the spec from the live server (options recorded in info.x-mcp-actions) and fail when it drifted. Exit codes: 0 valid · 1 errors, too many warnings or drift · 2 the spec cannot be read or parsed, bad usage.',
    )
    .argument('<spec>', 'the spec file (YAML or JSON)')
    .option('--profile <profile>', 'gpt-actions (importer rules) or generic (OpenAPI structure only)', 'gpt-actions')
    .option('--format <format>', 'text, json, or github (workflow annotations)', 'text')
    .option('--max-warnings <n>', 'also fail when there are more than n warnings')
    .option('--check', 'regenerate the spec from the server given after -- (or --url/--config) and fail on drift')
    .option('--template <file>', 'with --check: the --template the spec was generated with');
  addTargetOptions(cmd).addHelpText(
    'after',
    `
Examples:
  $ mcp-actions validate openapi.yaml
  $ mcp-actions validate openapi.yaml --format github --max-warnings 0
  $ mcp-actions validate openapi.yaml --check -- node server.js`,
  );
  cmd.action((spec: string, server: string[], opts) =>
    run(async (io) => (await import('../commands/validate.js')).validateCommand(spec, server, opts, io)),
  );
}
