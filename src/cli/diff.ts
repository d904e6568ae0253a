import { Option, type Command } from 'commander';
import type { Runner } from './shared.js';

export function defineDiff(program: Command, run: Runner): void {
  program
    .command('diff')
    .summary('compare two specs and flag breaking changes (for CI)')
    .description(
      'Compare two OpenAPI specs operation by operation and classify every change as breaking (operation removed or renamed, new required property, property removed, type narrowed, enum value removed, auth changed…) or non-breaking (operation added, optional property added, description changed…). Exit codes: 0 nothing at or above --fail-on · 1 changes at or above --fail-on · 2 a file cannot be read or parsed.',
    )
    .argument('<old>', 'the spec as it was (e.g. from the base branch)')
    .argument('<new>', 'the spec as it is now')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 on: breaking changes, any change, or none').choices(['breaking', 'any', 'none']).default('breaking'))
    .addHelpText(
      'after',
      `
Examples:
  $ mcp-actions diff old/openapi.yaml openapi.yaml
  $ git show origin/main:openapi.yaml > /tmp/base.yaml && mcp-actions diff /tmp/base.yaml openapi.yaml --format json`,
    )
    .action((oldSpec: string, newSpec: string, opts) =>
      run(async (io) => (await import('../commands/diff.js')).diffCommand(oldSpec, newSpec, opts, io)),
    );
}
