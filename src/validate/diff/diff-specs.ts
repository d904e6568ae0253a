/**
 * `diff OLD NEW`: matches operations (by operationId, then by method + path or x-mcp-tool for renames) and
 * classifies every change as breaking or non-breaking for the GPTs that call the API. Pure.
 */
import { listOperations } from '../operations.js';
import { isObject } from '../pointer.js';
import type { OperationRef } from '../types.js';
import { compareOperations } from './operation-diff.js';
import { authOf } from './auth.js';
import type { Change, DiffContext, DiffReport } from './types.js';

function idOf(op: OperationRef): string {
  return typeof op.operation['operationId'] === 'string' ? op.operation['operationId'] : `${op.method.toUpperCase()} ${op.path}`;
}

function toolOf(op: OperationRef): string | undefined {
  const t = op.operation['x-mcp-tool'];
  return typeof t === 'string' ? t : undefined;
}

function firstServer(spec: Record<string, unknown>): string | undefined {
  const s = spec['servers'];
  return Array.isArray(s) && isObject(s[0]) && typeof s[0]['url'] === 'string' ? s[0]['url'] : undefined;
}

export function diffSpecs(oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): DiffReport {
  const out: Change[] = [];
  const ctx: DiffContext = { old: oldSpec, new: newSpec, out };
  const before = firstServer(oldSpec);
  const after = firstServer(newSpec);
  if (before !== after) out.push({ severity: 'breaking', code: 'server-changed', message: `server URL changed: ${before ?? 'none'} → ${after ?? 'none'}` });
  const authBefore = authOf(oldSpec, undefined);
  const authAfter = authOf(newSpec, undefined);
  if (authBefore !== authAfter) out.push({ severity: 'breaking', code: 'auth-changed', message: `authentication changed: ${authBefore} → ${authAfter}` });

  const oldOps = listOperations(oldSpec);
  const newOps = listOperations(newSpec);
  const matched = new Set<OperationRef>();
  const pairs: [OperationRef, OperationRef][] = [];
  // First the same operationId at the same place, then the same operationId anywhere (duplicates stay apart).
  const keys: ((op: OperationRef) => string)[] = [(op) => `${idOf(op)} ${op.method} ${op.path}`, idOf];
  let unmatchedOld = oldOps;
  for (const key of keys) {
    const rest: OperationRef[] = [];
    for (const op of unmatchedOld) {
      const twin = newOps.find((n) => !matched.has(n) && key(n) === key(op));
      if (twin) {
        matched.add(twin);
        pairs.push([op, twin]);
      } else rest.push(op);
    }
    unmatchedOld = rest;
  }
  const free = () => newOps.filter((op) => !matched.has(op));
  for (const op of unmatchedOld) {
    const tool = toolOf(op);
    const twin = free().find((n) => (n.method === op.method && n.path === op.path) || (tool !== undefined && toolOf(n) === tool));
    if (twin) {
      matched.add(twin);
      out.push({ severity: 'breaking', code: 'operation-renamed', operation: idOf(twin), message: `operation renamed from ${idOf(op)} (callers still use the old name)` });
      pairs.push([op, twin]);
    } else {
      out.push({ severity: 'breaking', code: 'operation-removed', operation: idOf(op), message: `operation removed (${op.method.toUpperCase()} ${op.path})` });
    }
  }
  for (const op of free()) {
    out.push({ severity: 'non-breaking', code: 'operation-added', operation: idOf(op), message: `operation added (${op.method.toUpperCase()} ${op.path})` });
  }
  for (const [a, b] of pairs) compareOperations({ ...ctx, operation: idOf(b) }, a, b);

  const rank = (c: Change) => (c.severity === 'breaking' ? 0 : 1);
  out.sort((x, y) => rank(x) - rank(y) || (x.operation ?? '').localeCompare(y.operation ?? '') || (x.location ?? '').localeCompare(y.location ?? ''));
  const breaking = out.filter((c) => c.severity === 'breaking').length;
  return { changes: out, breaking, nonBreaking: out.length - breaking };
}
