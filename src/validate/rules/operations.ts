/**
 * Rules about operations: count, methods, operationIds, text lengths, request bodies, the consequential flag.
 * @see platform-facts.md "ChatGPT Custom GPT Actions (OpenAPI import)".
 */
import { isObject } from '../pointer.js';
import { resolveLocal } from '../refs.js';
import type { Finding, Rule } from '../types.js';

export const MAX_OPERATIONS = 30;
export const MAX_SUMMARY = 300;
const SUPPORTED_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Length as the importer counts it: in characters (code points), not UTF-16 units. */
export function textLength(s: string): number {
  return [...s].length;
}

function tooLong(field: 'summary' | 'description'): Rule['check'] {
  return (ctx) =>
    ctx.operations.flatMap((op): Finding[] => {
      const text = op.operation[field];
      if (typeof text !== 'string' || textLength(text) <= MAX_SUMMARY) return [];
      return [{ pointer: `${op.pointer}/${field}`, message: `${field} of ${op.method.toUpperCase()} ${op.path} has length ${textLength(text)}, over the limit of ${MAX_SUMMARY}` }];
    });
}

export const operationRules: Rule[] = [
  {
    id: 'operations-max',
    severity: 'error',
    description: `at most ${MAX_OPERATIONS} operations`,
    hint: 'split the tools over several actions, or generate with --include/--exclude or --overflow generic',
    check: (ctx) =>
      ctx.operations.length > MAX_OPERATIONS
        ? [{ pointer: '/paths', message: `${ctx.operations.length} operations; a GPT action accepts at most ${MAX_OPERATIONS}` }]
        : [],
  },
  {
    id: 'method-unsupported',
    severity: 'error',
    description: 'methods are get, post, put, patch or delete',
    hint: 'ChatGPT skips head, options and trace operations: use one of get/post/put/patch/delete',
    check: (ctx) =>
      ctx.operations
        .filter((op) => !SUPPORTED_METHODS.includes(op.method))
        .map((op) => ({ pointer: op.pointer, message: `${op.method.toUpperCase()} ${op.path}: ChatGPT skips ${op.method} operations` })),
  },
  {
    id: 'operation-id-missing',
    severity: 'error',
    description: 'every operation has an operationId',
    hint: 'add an operationId (ChatGPT skips operations without one)',
    check: (ctx) =>
      ctx.operations
        .filter((op) => op.operation['operationId'] === undefined)
        .map((op) => ({ pointer: op.pointer, message: `${op.method.toUpperCase()} ${op.path} has no operationId` })),
  },
  {
    id: 'operation-id-pattern',
    severity: 'error',
    description: 'operationId matches ^[a-zA-Z0-9_-]{1,64}$',
    hint: 'use only letters, digits, _ and -, at most 64 characters',
    check: (ctx) =>
      ctx.operations.flatMap((op): Finding[] => {
        const id = op.operation['operationId'];
        if (id === undefined || (typeof id === 'string' && ID_PATTERN.test(id))) return [];
        return [{ pointer: `${op.pointer}/operationId`, message: `operationId ${JSON.stringify(id)} does not match ^[a-zA-Z0-9_-]{1,64}$` }];
      }),
  },
  {
    id: 'operation-id-duplicate',
    severity: 'error',
    description: 'operationIds are unique',
    hint: 'give every operation its own operationId',
    check: (ctx) => {
      const first = new Map<string, string>();
      const out: Finding[] = [];
      for (const op of ctx.operations) {
        const id = op.operation['operationId'];
        if (typeof id !== 'string') continue;
        const seen = first.get(id);
        if (seen) out.push({ pointer: `${op.pointer}/operationId`, message: `operationId "${id}" is also used by ${seen}` });
        else first.set(id, `${op.method.toUpperCase()} ${op.path}`);
      }
      return out;
    },
  },
  {
    id: 'summary-too-long',
    severity: 'error',
    description: `operation summary ≤ ${MAX_SUMMARY} characters`,
    hint: `shorten the summary to ${MAX_SUMMARY} characters (over the limit fails the whole import)`,
    check: tooLong('summary'),
  },
  {
    id: 'description-too-long',
    severity: 'error',
    description: `operation description ≤ ${MAX_SUMMARY} characters`,
    hint: `shorten the description to ${MAX_SUMMARY} characters (over the limit fails the whole import)`,
    check: tooLong('description'),
  },
  {
    id: 'request-body-json',
    severity: 'error',
    description: 'request bodies are application/json',
    hint: 'describe the request body under content: application/json',
    check: (ctx) =>
      ctx.operations.flatMap((op): Finding[] => {
        if (op.operation['requestBody'] === undefined) return [];
        const { value: body } = resolveLocal(ctx.spec, op.operation['requestBody'], `${op.pointer}/requestBody`);
        const content = isObject(body) ? body['content'] : undefined;
        const types = isObject(content) ? Object.keys(content) : [];
        if (types.some((t) => t.split(';')[0]!.trim().toLowerCase() === 'application/json')) return [];
        const what = types.length ? types.join(', ') : 'no media type';
        return [{ pointer: `${op.pointer}/requestBody`, message: `request body of ${op.method.toUpperCase()} ${op.path} has ${what}, not application/json` }];
      }),
  },
  {
    id: 'consequential-flag',
    severity: 'warning',
    description: 'x-openai-isConsequential is set explicitly (true or false)',
    hint: 'set x-openai-isConsequential: false for read-only operations, true for those that change things',
    check: (ctx) =>
      ctx.operations.flatMap((op): Finding[] => {
        const flag = op.operation['x-openai-isConsequential'];
        if (typeof flag === 'boolean') return [];
        if (flag === undefined) {
          const dflt = op.method === 'get' ? 'false' : 'true';
          return [{ pointer: op.pointer, message: `${op.method.toUpperCase()} ${op.path} does not set x-openai-isConsequential (ChatGPT assumes ${dflt})` }];
        }
        return [{ pointer: `${op.pointer}/x-openai-isConsequential`, message: `x-openai-isConsequential is ${JSON.stringify(flag)}, not true or false` }];
      }),
  },
];
