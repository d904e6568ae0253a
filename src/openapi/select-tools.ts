/**
 * Which tools become operations: `--include` / `--exclude` glob patterns on tool names, then ChatGPT's
 * limit of 30 operations per action (less the adapter's own operations, e.g. get_job), with `--overflow generic`
 * putting the rest behind one operation. Tools that must run as MCP tasks are kept: the adapter runs them.
 * The one selection of the generator, the adapter (it routes buildSpec's operations) and the functions.
 * @see platform-facts.md "Max 30 operations per action spec"
 */
import type picomatchType from 'picomatch';
import type { CatalogTool } from '../mcp/catalog.js';
import { ProblemsFoundError } from '../errors.js';
import type { SpecNote } from './notes.js';
import { lazyModule } from '../lazy-module.js';

const picomatch = lazyModule<typeof picomatchType>('picomatch');

export const MAX_GPT_OPERATIONS = 30;

export interface ToolSelection {
  /** Tools that get their own operation, sorted by name. */
  operations: CatalogTool[];
  /** Tools reached through the generic call_tool operation, sorted by name. */
  overflow: CatalogTool[];
  notes: SpecNote[];
}

export interface SelectOptions {
  include?: string[];
  exclude?: string[];
  overflow?: 'error' | 'generic';
  /** Max operations for tools, undefined = no limit (the generic profile). */
  limit?: number;
  /** Operations the adapter adds itself (get_job), already taken from the limit: named in the message. */
  reserved?: number;
}

export function selectTools(tools: readonly CatalogTool[], opts: SelectOptions): ToolSelection {
  const notes: SpecNote[] = [];
  const matcher = (patterns: string[]) => {
    const fns = patterns.map((p) => ({ p, fn: picomatch()(p, { dot: true }), hits: 0 }));
    return { fns, test: (name: string) => fns.some((f) => (f.fn(name) ? (f.hits++, true) : false)) };
  };
  const sorted = [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let kept = sorted;
  const include = opts.include?.length ? matcher(opts.include) : undefined;
  const exclude = opts.exclude?.length ? matcher(opts.exclude) : undefined;
  if (include) kept = kept.filter((t) => include.test(t.name));
  if (exclude) kept = kept.filter((t) => !exclude.test(t.name));
  for (const [flag, m] of [['--include', include], ['--exclude', exclude]] as const) {
    for (const f of m?.fns ?? []) {
      if (f.hits === 0) notes.push({ level: 'warning', code: 'pattern-unmatched', message: `${flag} "${f.p}" matches no tool` });
    }
  }
  if (sorted.length > 0 && kept.length === 0) {
    throw new ProblemsFoundError(`--include/--exclude left none of the ${sorted.length} tools`, {
      hint: `tool names are: ${sorted.slice(0, 10).map((t) => t.name).join(', ')}${sorted.length > 10 ? ', …' : ''}`,
    });
  }
  const limit = opts.limit;
  if (limit === undefined || kept.length <= limit) return { operations: kept, overflow: [], notes };
  if (opts.overflow !== 'generic') {
    const own = opts.reserved ? ` for tools (${limit + opts.reserved} per action, less get_job)` : ' per action';
    throw new ProblemsFoundError(`the server has ${kept.length} tools, but ChatGPT accepts at most ${limit} operations${own}`, {
      hint: `choose tools with --include/--exclude PATTERN (globs on tool names, repeatable), or add --overflow generic to keep ${limit - 1} operations and reach the rest through one call_tool operation`,
    });
  }
  const operations = kept.slice(0, limit - 1);
  const overflow = kept.slice(limit - 1);
  notes.push({
    level: 'warning',
    code: 'overflow',
    message: `${overflow.length} tools are reachable only through the generic call_tool operation: ${overflow.map((t) => t.name).join(', ')}`,
  });
  return { operations, overflow, notes };
}
