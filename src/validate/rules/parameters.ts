/**
 * Rules about parameters: no $ref, no duplicates, no header/cookie parameters, description length.
 * @see platform-facts.md "Header params ignored", "$ref inside parameters not resolved -> function skipped",
 *      "Duplicate param -> skipped", "parameter description <= 700 chars".
 */
import { collectRefs } from '../local-refs.js';
import { isObject, toPointer } from '../pointer.js';
import { resolveLocal } from '../refs.js';
import type { Finding, OperationRef, Rule, RuleContext } from '../types.js';
import { textLength } from './operations.js';

export const MAX_PARAMETER_DESCRIPTION = 700;

interface ParamSite {
  pointer: string;
  raw: unknown;
  /** The parameter after following a local $ref. */
  param: Record<string, unknown> | undefined;
  level: 'path' | 'operation';
  /** Where the parameter object is written (the $ref target when it is a reference). */
  at: string;
}

function paramList(ctx: RuleContext, list: unknown, base: string, level: ParamSite['level']): ParamSite[] {
  if (!Array.isArray(list)) return [];
  return list.map((raw, i) => {
    const pointer = `${base}/parameters/${i}`;
    const { value, pointer: at } = resolveLocal(ctx.spec, raw, pointer);
    return { pointer, raw, param: isObject(value) ? value : undefined, level, at };
  });
}

/** The parameters of an operation: the path item's, then its own. */
function operationParams(ctx: RuleContext, op: OperationRef): ParamSite[] {
  const pathBase = toPointer(['paths', op.path]);
  return [...paramList(ctx, op.pathItem['parameters'], pathBase, 'path'), ...paramList(ctx, op.operation['parameters'], op.pointer, 'operation')];
}

/** Every parameter written in the document, once each (path-level ones are shared by the path's operations). */
function allParams(ctx: RuleContext): ParamSite[] {
  const seen = new Set<string>();
  return ctx.operations.flatMap((op) => operationParams(ctx, op)).filter((p) => !seen.has(p.pointer) && seen.add(p.pointer));
}

function describe(p: Record<string, unknown> | undefined): string {
  return p ? `parameter "${String(p['name'])}" (in ${String(p['in'])})` : 'parameter';
}

export const parameterRules: Rule[] = [
  {
    id: 'parameter-ref',
    severity: 'error',
    description: 'no $ref inside parameters',
    hint: 'write the parameter (and its schema) inline: ChatGPT does not resolve $ref in parameters and skips the operation',
    check: (ctx) =>
      allParams(ctx).flatMap((site): Finding[] =>
        collectRefs(site.raw).local.concat(collectRefs(site.raw).external).map((r) => ({
          pointer: `${site.pointer}${toPointer([...r.path, '$ref'])}`,
          message: `${describe(site.param)} uses $ref "${r.ref}"`,
        })),
      ),
  },
  {
    id: 'parameter-duplicate',
    severity: 'error',
    description: 'no two parameters of an operation share a name',
    hint: 'rename or remove one of them (ChatGPT skips operations with duplicate parameters)',
    check: (ctx) =>
      ctx.operations.flatMap((op): Finding[] => {
        const sites = operationParams(ctx, op).filter((s) => s.param && typeof s.param['name'] === 'string');
        // An operation-level parameter overrides the path-level one with the same name and location.
        const own = new Set(sites.filter((s) => s.level === 'operation').map((s) => `${s.param!['in']}:${s.param!['name']}`));
        const effective = sites.filter((s) => s.level === 'operation' || !own.has(`${s.param!['in']}:${s.param!['name']}`));
        const byName = new Map<string, ParamSite>();
        const out: Finding[] = [];
        for (const s of effective) {
          const name = s.param!['name'] as string;
          const earlier = byName.get(name);
          if (earlier) out.push({ pointer: s.pointer, message: `${describe(s.param)} duplicates ${describe(earlier.param)} in ${op.method.toUpperCase()} ${op.path}` });
          else byName.set(name, s);
        }
        return out;
      }),
  },
  {
    id: 'parameter-location',
    severity: 'error',
    description: 'no header or cookie parameters',
    hint: 'move the value to a query/path parameter or the JSON body (ChatGPT ignores header and cookie parameters; use the action\'s auth for credentials)',
    check: (ctx) =>
      allParams(ctx)
        .filter((s) => s.param && (s.param['in'] === 'header' || s.param['in'] === 'cookie'))
        .map((s) => ({ pointer: `${s.at}/in`, message: `${describe(s.param)}: ChatGPT ignores ${String(s.param!['in'])} parameters` })),
  },
  {
    id: 'parameter-description-too-long',
    severity: 'error',
    description: `parameter description ≤ ${MAX_PARAMETER_DESCRIPTION} characters`,
    hint: `shorten the description to ${MAX_PARAMETER_DESCRIPTION} characters (over the limit fails the whole import)`,
    check: (ctx) =>
      allParams(ctx).flatMap((s): Finding[] => {
        const d = s.param?.['description'];
        if (typeof d !== 'string' || textLength(d) <= MAX_PARAMETER_DESCRIPTION) return [];
        return [{ pointer: `${s.at}/description`, message: `${describe(s.param)} has a description of length ${textLength(d)}, over the limit of ${MAX_PARAMETER_DESCRIPTION}` }];
      }),
  },
];
