/**
 * The Instructions text for the GPT builder: what each tool is for (with the full descriptions that did
 * not fit in 300 characters), which ones change things, within the builder's 8,000-character box.
 * Pure: the template text comes in, the rendered text goes out.
 */
import type { CatalogTool, ToolCatalog } from '../mcp/catalog.js';
import { requiresTask, toolTitle } from '../mcp/catalog.js';
import type { BuildResult } from './build-spec.js';
import { isConsequential } from './build-spec.js';
import type { SpecNote } from './notes.js';
import { renderTemplate } from './render-template.js';
import { shortenText } from './shorten.js';

export const INSTRUCTIONS_LIMIT = 8000;

interface Entry {
  head: string;
  text: string;
}

function flat(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

function argumentsLine(tool: CatalogTool): string {
  const props = tool.inputSchema.properties;
  if (!props || typeof props !== 'object') return '';
  const required = new Set(Array.isArray(tool.inputSchema.required) ? (tool.inputSchema.required as string[]) : []);
  const names = Object.keys(props).map((n) => (required.has(n) ? `${n} (required)` : n));
  return names.length ? ` Arguments: ${names.join(', ')}.` : '';
}

/** The rule for calls that answer 202: tell the user, wait, poll get_job. Empty when the spec has no get_job. */
export function jobsRule(build: BuildResult): string {
  const job = build.operations.find((o) => o.kind === 'job');
  if (!job) return '';
  return `- Some actions take long: they answer with a \`job\` (HTTP 202) instead of a result. Then tell the user the work is still running, wait \`job.poll_after_s\` seconds, and call \`${job.operationId}\` with \`job.id\`; it answers with a job again while the work runs (say so, and call again later), then with the action's result. Never start the same action again while its job runs.`;
}

function entries(catalog: ToolCatalog, build: BuildResult, consequential: 'annotations' | 'all' | 'none'): Entry[] {
  const byName = new Map(catalog.tools.map((t) => [t.name, t]));
  const out: Entry[] = [];
  for (const op of build.operations) {
    if (op.kind !== 'tool') continue;
    const tool = byName.get(op.toolName!)!;
    const effect = isConsequential(tool, consequential) ? 'Changes things: tell the user before calling it.' : 'Read-only.';
    const title = toolTitle(tool);
    const long = requiresTask(tool) && build.operations.some((o) => o.kind === 'job') ? ' Long-running: answers with a job.' : '';
    out.push({ head: `- \`${op.operationId}\`${title !== tool.name ? ` (${flat(title)})` : ''}: ${effect}${long}`, text: flat(tool.description) });
  }
  const generic = build.operations.find((o) => o.kind === 'generic');
  if (generic) {
    const names = (build.spec.paths?.[generic.path]?.post?.['x-mcp-tools'] ?? []) as string[];
    for (const tool of names.map((n) => byName.get(n)).filter((t): t is CatalogTool => t !== undefined)) {
      const effect = isConsequential(tool, consequential) ? 'Changes things: tell the user before calling it.' : 'Read-only.';
      out.push({
        head: `- \`${tool.name}\` through \`${generic.operationId}\` with {"name": "${tool.name}", "arguments": {…}}: ${effect}${argumentsLine(tool)}`,
        text: flat(tool.description),
      });
    }
  }
  return out;
}

/** Fits the tool texts into `budget` characters: short texts stay whole, long ones share the rest. */
function fitTools(list: Entry[], budget: number): string {
  const heads = list.reduce((n, e) => n + e.head.length + 2, 0);
  let room = Math.max(0, budget - heads);
  const sorted = [...list].sort((a, b) => a.text.length - b.text.length);
  const allowed = new Map<Entry, number>();
  sorted.forEach((e, i) => {
    const share = Math.floor(room / (sorted.length - i));
    const take = Math.min(e.text.length, share);
    allowed.set(e, take);
    room -= take;
  });
  return list
    .map((e) => {
      const max = allowed.get(e)!;
      const text = max >= e.text.length ? e.text : max >= 40 ? shortenText(e.text, max - 1) : '';
      return text ? `${e.head} ${text}` : e.head;
    })
    .join('\n');
}

export function renderInstructions(
  template: string,
  catalog: ToolCatalog,
  build: BuildResult,
  consequential: 'annotations' | 'all' | 'none' = 'annotations',
): { text: string; notes: SpecNote[] } {
  const notes: SpecNote[] = [];
  const list = entries(catalog, build, consequential);
  const rule = jobsRule(build);
  // A template of the user's own without {{jobs}} still gets the rule, after the tools.
  const ownRule = template.includes('{{jobs}}');
  const values = {
    title: catalog.server.title ?? catalog.server.name,
    server_instructions: flat(catalog.server.instructions) || `Use the actions below to work with ${catalog.server.title ?? catalog.server.name}.`,
    jobs: ownRule ? rule : '',
    tools: '',
  };
  const fixed = renderTemplate(template, values).length + (ownRule || !rule ? 0 : rule.length + 1);
  const full = fitTools(list, Number.MAX_SAFE_INTEGER);
  let tools = full;
  if (fixed + full.length > INSTRUCTIONS_LIMIT) {
    tools = fitTools(list, INSTRUCTIONS_LIMIT - fixed - 50);
    notes.push({ level: 'warning', code: 'instructions-shortened', message: `tool descriptions in instructions.md were shortened to fit the GPT builder's ${INSTRUCTIONS_LIMIT}-character box` });
  }
  if (rule && !ownRule) tools = `${tools}\n${rule}`;
  let text = renderTemplate(template, { ...values, tools });
  if (text.length > INSTRUCTIONS_LIMIT) {
    text = shortenText(text, INSTRUCTIONS_LIMIT);
    notes.push({ level: 'warning', code: 'instructions-shortened', message: `instructions.md was cut to ${INSTRUCTIONS_LIMIT} characters` });
  }
  return { text, notes };
}
