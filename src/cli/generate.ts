/**
 * TEMPORARY (functions branch): the `generate` command group. The generator branch owns this file; the lead
 * keeps theirs when merging and adds the `defineGenerateFunctions(generate, run)` line.
 */
import type { Command } from 'commander';

export function defineGenerate(program: Command): Command {
  return program
    .command('generate')
    .summary('generate specs and tool definitions from an MCP server')
    .description('Generate an OpenAPI spec, OpenAI function tools or a Responses API MCP block from an MCP server.');
}
