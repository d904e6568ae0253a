/**
 * Tags where they help: tools with namespaced names (`github.create_issue`, `files/read`, `db:query`)
 * are grouped by their namespace when at least two tools share it. Plain names get no tag.
 */
import type { CatalogTool } from '../mcp/catalog.js';

const SEPARATOR = /[./:]/;

function namespaceOf(name: string): string | undefined {
  const i = name.search(SEPARATOR);
  return i > 0 ? name.slice(0, i) : undefined;
}

/** tool name → tag, for the tools whose namespace is shared by another tool. */
export function toolTags(tools: readonly CatalogTool[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const t of tools) {
    const ns = namespaceOf(t.name);
    if (ns !== undefined) count.set(ns, (count.get(ns) ?? 0) + 1);
  }
  const tags = new Map<string, string>();
  for (const t of tools) {
    const ns = namespaceOf(t.name);
    if (ns !== undefined && (count.get(ns) ?? 0) >= 2) tags.set(t.name, ns);
  }
  return tags;
}
