/**
 * Targets: how to reach an MCP server. Every command that talks to a server takes the same ones
 * (DESIGN.md "Targets"): a stdio argv, an HTTP URL, or an entry of a config file.
 */

export type HttpTransportChoice = 'auto' | 'streamable-http' | 'sse';

export interface StdioTarget {
  kind: 'stdio';
  /** Name of the server in a config file, if it came from one. */
  name?: string;
  command: string;
  args: string[];
  /** Added to the inherited safe environment of the child. */
  env: Record<string, string>;
  cwd?: string;
}

export interface HttpTarget {
  kind: 'http';
  name?: string;
  url: string;
  headers: Record<string, string>;
  transport: HttpTransportChoice;
}

export type Target = StdioTarget | HttpTarget;

/** A short human description of a target, for messages. */
export function describeTarget(target: Target): string {
  if (target.kind === 'http') return target.url;
  return [target.command, ...target.args].join(' ');
}
