/** Compares one operation in two specs: texts, parameters, request body, success response, auth. Pure. */
import { isObject, toPointer } from '../pointer.js';
import { resolveLocal } from '../refs.js';
import type { OperationRef } from '../types.js';
import { authOf } from './auth.js';
import { compareSchemas } from './schema-diff.js';
import type { ChangeSeverity, DiffContext } from './types.js';

interface Param {
  key: string;
  param: Record<string, unknown>;
}

function params(spec: Record<string, unknown>, op: OperationRef): Map<string, Param> {
  const out = new Map<string, Param>();
  const from = (list: unknown, base: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const { value } = resolveLocal(spec, raw, `${base}/parameters/${i}`);
      if (!isObject(value) || typeof value['name'] !== 'string') return;
      const key = `${String(value['in'])}.${value['name']}`;
      out.set(key, { key, param: value });
    });
  };
  from(op.pathItem['parameters'], toPointer(['paths', op.path]));
  from(op.operation['parameters'], op.pointer);
  return out;
}

function jsonMedia(content: unknown): Record<string, unknown> | undefined {
  if (!isObject(content)) return undefined;
  const key = Object.keys(content).find((t) => t.split(';')[0]!.trim().toLowerCase() === 'application/json') ?? Object.keys(content).find((t) => /json/i.test(t));
  const media = key === undefined ? undefined : content[key];
  return isObject(media) ? media : undefined;
}

function body(spec: Record<string, unknown>, op: OperationRef): Record<string, unknown> | undefined {
  const { value } = resolveLocal(spec, op.operation['requestBody'], '');
  return isObject(value) ? value : undefined;
}

/** The first 2xx response (or `default`), resolved. */
function success(spec: Record<string, unknown>, op: OperationRef): { code: string; response: Record<string, unknown> } | undefined {
  const responses = op.operation['responses'];
  if (!isObject(responses)) return undefined;
  const code = Object.keys(responses).filter((c) => /^2\d\d$|^2XX$/i.test(c)).sort()[0] ?? ('default' in responses ? 'default' : undefined);
  if (code === undefined) return undefined;
  const { value } = resolveLocal(spec, responses[code], '');
  return isObject(value) ? { code, response: value } : undefined;
}

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

export function compareOperations(ctx: DiffContext, a: OperationRef, b: OperationRef): void {
  const add = (severity: ChangeSeverity, code: string, message: string, location?: string) =>
    ctx.out.push({ severity, code, operation: ctx.operation, ...(location ? { location } : {}), message });
  if (a.method !== b.method || a.path !== b.path) {
    add('breaking', 'operation-moved', `moved: ${a.method.toUpperCase()} ${a.path} → ${b.method.toUpperCase()} ${b.path}`);
  }
  for (const field of ['summary', 'description'] as const) {
    if (!same(a.operation[field], b.operation[field])) add('non-breaking', 'description-changed', `${field} changed`);
  }
  const ca = a.operation['x-openai-isConsequential'];
  const cb = b.operation['x-openai-isConsequential'];
  if (!same(ca, cb)) add('non-breaking', 'consequential-changed', `x-openai-isConsequential: ${String(ca)} → ${String(cb)}`);
  if (Array.isArray(a.operation['security']) || Array.isArray(b.operation['security'])) {
    const sa = authOf(ctx.old, a.operation);
    const sb = authOf(ctx.new, b.operation);
    if (sa !== sb) add('breaking', 'auth-changed', `authentication changed: ${sa} → ${sb}`);
  }

  // parameters
  const pa = params(ctx.old, a);
  const pb = params(ctx.new, b);
  for (const [key, p] of pa) {
    const q = pb.get(key);
    if (!q) {
      add('breaking', 'parameter-removed', `parameter "${String(p.param['name'])}" (in ${String(p.param['in'])}) removed`, key);
      continue;
    }
    if (p.param['required'] !== true && q.param['required'] === true) add('breaking', 'parameter-became-required', `parameter "${String(q.param['name'])}" is now required`, key);
    if (p.param['required'] === true && q.param['required'] !== true) add('non-breaking', 'parameter-became-optional', `parameter "${String(q.param['name'])}" is now optional`, key);
    if (!same(p.param['description'], q.param['description'])) add('non-breaking', 'description-changed', 'description changed', key);
    compareSchemas(ctx, p.param['schema'], q.param['schema'], key, 'request');
  }
  for (const [key, q] of pb) {
    if (pa.has(key)) continue;
    if (q.param['required'] === true) add('breaking', 'required-parameter-added', `new required parameter "${String(q.param['name'])}" (in ${String(q.param['in'])})`, key);
    else add('non-breaking', 'parameter-added', `optional parameter "${String(q.param['name'])}" (in ${String(q.param['in'])}) added`, key);
  }

  // request body
  const ba = body(ctx.old, a);
  const bb = body(ctx.new, b);
  if (ba && !bb) add('breaking', 'request-body-removed', 'request body removed', 'body');
  if (!ba && bb) add(bb['required'] === true ? 'breaking' : 'non-breaking', 'request-body-added', `${bb['required'] === true ? 'required ' : ''}request body added`, 'body');
  if (ba && bb) {
    if (ba['required'] !== true && bb['required'] === true) add('breaking', 'request-body-became-required', 'request body is now required', 'body');
    const ma = jsonMedia(ba['content']);
    const mb = jsonMedia(bb['content']);
    if (ma && !mb) add('breaking', 'request-media-type-removed', 'request body is no longer JSON', 'body');
    if (ma && mb) compareSchemas(ctx, ma['schema'], mb['schema'], 'body', 'request');
  }

  // success response
  const ra = success(ctx.old, a);
  const rb = success(ctx.new, b);
  if (ra && rb) {
    if (ra.code !== rb.code) add('non-breaking', 'response-status-changed', `success status ${ra.code} → ${rb.code}`, 'response');
    const ma = jsonMedia(ra.response['content']);
    const mb = jsonMedia(rb.response['content']);
    if (ma && !mb) add('breaking', 'response-media-type-removed', 'success response is no longer JSON', 'response');
    if (ma && mb) compareSchemas(ctx, ma['schema'], mb['schema'], 'response', 'response');
  }
}
