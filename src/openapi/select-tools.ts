/**
 * Which tools become operations: tools a plain `tools/call` cannot run (`execution.taskSupport: 'required'`)
 * are left out with a note, then `--include` / `--exclude` glob patterns on tool names, then ChatGPT's
 * limit of 30 operations per action, with `--overflow generic` putting the rest behind the call_tool and
 * describe_tool operations. Every operation the spec has besides the tools' own counts in the limit: the
 * overflow's (OVERFLOW_OPERATIONS) and any fixed one a caller declares with `fixed`.
 * The one selection of the generator, the adapter (it routes buildSpec's operations) and the functions.
 * @see platform-facts.md "Max 30 operations per action spec"
 */
import type picomatchType from 'picomatch';
import { requiresTask, type CatalogTool } from '../mcp/catalog.js';
import { ProblemsFoundError } from '../errors.js';
import type { SpecNote } from './notes.js';
import { lazyModule } from '../lazy-module.js';
import { OVERFLOW_OPERATIONS } from './overflow.js';

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
  /** Max operations, undefined = no limit (the generic profile). */
  limit?: number;
  /** Operations the spec has whatever the tools (not the overflow's own): they take room in `limit`. */
  fixed?: number;
}

export function selectTools(tools: readonly CatalogTool[], opts: SelectOptions): ToolSelection {
  const notes: SpecNote[] = [];
  const matcher = (patterns: string[]) => {
    const fns = patterns.map((p) => ({ p, fn: picomatch()(p, { dot: true }), hits: 0 }));
    return { fns, test: (name: string) => fns.some((f) => (f.fn(name) ? (f.hits++, true) : false)) };
  };
  const sorted: CatalogTool[] = [];
  for (const tool of [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!requiresTask(tool)) sorted.push(tool);
    else notes.push({ tool: tool.name, level: 'warning', code: 'task-required', message: 'left out: it needs MCP tasks, which the REST adapter cannot run (its execution.taskSupport is "required")' });
  }
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
  const limit = opts.limit === undefined ? undefined : opts.limit - (opts.fixed ?? 0);
  if (limit === undefined || kept.length <= limit) return { operations: kept, overflow: [], notes };
  const room = limit - OVERFLOW_OPERATIONS;
  if (opts.overflow !== 'generic' || room < 1) {
    throw new ProblemsFoundError(`the server has ${kept.length} tools, but ChatGPT accepts at most ${opts.limit} operations per action${opts.fixed ? ` (${opts.fixed} of them taken by fixed operations)` : ''}`, {
      hint: `choose tools with --include/--exclude PATTERN (globs on tool names, repeatable), or add --overflow generic to keep ${room} operations and reach the rest through the call_tool and describe_tool operations`,
    });
  }
  const operations = kept.slice(0, room);
  const overflow = kept.slice(room);
  notes.push({
    level: 'warning',
    code: 'overflow',
    message: `${overflow.length} tools are reachable only through the generic call_tool operation (describe_tool gives their schemas): ${overflow.map((t) => t.name).join(', ')}`,
  });
  return { operations, overflow, notes };
}
