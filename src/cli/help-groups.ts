/**
 * The headings `--help` groups options under (commander 14's option help groups), as git and docker do.
 * A new option names its group, either on the option:
 *   cmd.addOption(new Option('--redis <url>', '…').helpGroup(HELP_GROUP.state))
 * or for a run of options:
 *   inOptionsGroup(cmd, HELP_GROUP.limits, (c) => c.option('--max-foo <n>', '…'))
 * Groups are printed in the order their first option was added; a heading with no option is not printed.
 * `serve --help` leaves no option in commander's catch-all "Options:" group but --help itself (tested).
 */
import type { Command } from 'commander';

export const HELP_GROUP = {
  target: 'Target: the MCP server (a command after --, or --url, or --config):',
  listen: 'HTTP listener:',
  auth: 'Auth: who may call:',
  users: 'Per-user upstreams (one MCP server per user):',
  spec: 'Spec (as for generate openapi):',
  mcp: 'MCP endpoint:',
  jobs: 'Long-running calls (jobs) and returned files:',
  limits: 'Limits:',
  upstream: 'Upstream health and shutdown:',
  state: 'Shared state:',
  logging: 'Logging:',
} as const;

/** Adds options with `add`, each under `heading` unless it names its own group; the previous default is kept. */
export function inOptionsGroup(cmd: Command, heading: string, add: (cmd: Command) => unknown): Command {
  const previous = cmd.optionsGroup() as string;
  cmd.optionsGroup(heading);
  try {
    add(cmd);
  } finally {
    cmd.optionsGroup(previous);
  }
  return cmd;
}
