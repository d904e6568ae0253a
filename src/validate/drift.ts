/**
 * Drift: compares a spec file with the spec regenerated from the live server, as a unified diff plus a
 * per-tool summary. Pure.
 */
import { createTwoFilesPatch } from 'diff';
import { ConfigError } from '../errors.js';
import type { SpecOptions } from '../openapi/build-spec.js';
import { listOperations } from './operations.js';
import { getAt, isObject } from './pointer.js';
import { isLocalRef } from './refs.js';

export interface DriftSummary {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface DriftResult {
  upToDate: boolean;
  /** Unified diff from the file to the regenerated spec ('' when up to date). */
  patch: string;
  summary: DriftSummary;
}

/** The options the spec was generated with (`info['x-mcp-actions'].options`). */
export function recordedOptions(spec: Record<string, unknown>, file: string): SpecOptions {
  const info = spec['info'];
  const record = isObject(info) ? info['x-mcp-actions'] : undefined;
  const options = isObject(record) ? record['options'] : undefined;
  if (!isObject(options) || typeof options['serverUrl'] !== 'string') {
    throw new ConfigError(`${file} has no info.x-mcp-actions.options, so it cannot be regenerated`, {
      hint: 'the drift check works on specs written by `mcp-actions generate openapi`; regenerate the file with it first',
    });
  }
  return options as unknown as SpecOptions;
}

/** Compares the file's text with the regenerated text (line endings ignored). */
export function compareWithRegenerated(
  file: string,
  current: { text: string; spec: Record<string, unknown> },
  fresh: { text: string; spec: Record<string, unknown> },
): DriftResult {
  const a = current.text.replace(/\r\n/g, '\n');
  const b = fresh.text.replace(/\r\n/g, '\n');
  if (a === b) return { upToDate: true, patch: '', summary: { added: [], removed: [], changed: [] } };
  const patch = createTwoFilesPatch(file, `${file} (regenerated from the server)`, a, b, undefined, undefined, { context: 3 });
  return { upToDate: false, patch, summary: summarizeTools(current.spec, fresh.spec) };
}

/** Tools added, removed and changed (operation or any schema it references), by MCP tool name. */
export function summarizeTools(before: Record<string, unknown>, after: Record<string, unknown>): DriftSummary {
  const a = fingerprints(before);
  const b = fingerprints(after);
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort();
  return { added, removed, changed };
}

/** "2 tools added, 1 changed: run `…`". */
export function formatDriftSummary(summary: DriftSummary, command: string): string {
  const counts = ([['added', summary.added.length], ['removed', summary.removed.length], ['changed', summary.changed.length]] as const).filter(([, n]) => n > 0);
  const parts = counts.map(([word, n], i) => (i === 0 ? `${n} tool${n === 1 ? '' : 's'} ${word}` : `${n} ${word}`));
  const what = parts.length ? parts.join(', ') : 'the spec differs from the regenerated one (no tool changed)';
  return `${what}: run \`${command}\``;
}

function fingerprints(spec: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const op of listOperations(spec)) {
    const name = typeof op.operation['x-mcp-tool'] === 'string' ? op.operation['x-mcp-tool'] : String(op.operation['operationId'] ?? `${op.method} ${op.path}`);
    const refs = new Map<string, unknown>();
    collectReferenced(spec, op.operation, refs, 0);
    const sorted = [...refs.keys()].sort().map((k) => [k, refs.get(k)]);
    out.set(name, JSON.stringify([op.path, op.method, op.operation, sorted]));
  }
  return out;
}

function collectReferenced(spec: unknown, node: unknown, seen: Map<string, unknown>, depth: number): void {
  if (depth > 100) return;
  if (Array.isArray(node)) {
    for (const item of node) collectReferenced(spec, item, seen, depth + 1);
    return;
  }
  if (!isObject(node)) return;
  const ref = node['$ref'];
  if (isLocalRef(ref) && !seen.has(ref)) {
    const target = getAt(spec, ref);
    seen.set(ref, target);
    collectReferenced(spec, target, seen, depth + 1);
  }
  for (const value of Object.values(node)) collectReferenced(spec, value, seen, depth + 1);
}
