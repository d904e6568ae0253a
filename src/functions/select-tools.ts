/**
 * `--include` / `--exclude`: glob patterns (picomatch) on MCP tool names. A tool is kept when it matches an
 * include pattern (or none is given) and matches no exclude pattern. Pure.
 */
import picomatch from 'picomatch';
import type { CatalogTool } from '../mcp/catalog.js';
import { UsageError } from '../errors.js';

export interface ToolFilter {
  include?: readonly string[];
  exclude?: readonly string[];
}

export function selectTools(tools: readonly CatalogTool[], filter: ToolFilter = {}): CatalogTool[] {
  const include = compile(filter.include, '--include');
  const exclude = compile(filter.exclude, '--exclude');
  return tools.filter((t) => (include === undefined || include(t.name)) && !(exclude?.(t.name) ?? false));
}

function compile(patterns: readonly string[] | undefined, flag: string): ((name: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  for (const p of patterns) {
    if (p.trim() === '') throw new UsageError(`${flag} got an empty pattern`, { hint: `give a tool name or a glob such as ${flag} "get_*"` });
  }
  return picomatch([...patterns], { dot: true });
}
