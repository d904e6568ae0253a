/** The last stderr lines of `generate functions`: counted from the tools printed, never from the flags. */
import { describe, expect, it } from 'vitest';
import type { ChatFunctionTool, ResponsesFunctionTool } from '../../../src/functions/build-tools.js';
import { encodedLine, summaryLine } from '../../../src/commands/generate-functions.js';

const chat = (strict: boolean): ChatFunctionTool => ({ type: 'function', function: { name: 'f', parameters: {}, strict } });
const responses = (strict: boolean): ResponsesFunctionTool => ({ type: 'function', name: 'f', parameters: {}, strict });

describe('summaryLine', () => {
  it.each([
    ['all strict', [chat(true), chat(true)], 'chat', true, '2 Chat Completions function tools: 2 strict'],
    ['some not strict', [responses(true), responses(false), responses(true)], 'responses', true, '3 Responses API function tools: 2 strict, 1 not strict (the warnings above say why)'],
    ['without --strict, no count', [chat(false)], 'chat', false, '1 Chat Completions function tools'],
  ] as const)('%s', (_name, tools, api, strict, want) => {
    expect(summaryLine(tools as ReadonlyArray<ChatFunctionTool | ResponsesFunctionTool>, api, strict)).toBe(want);
  });
});

describe('encodedLine', () => {
  it('says how many functions take encoded arguments and where the codecs are', () => {
    expect(encodedLine({}, undefined)).toBeUndefined();
    expect(encodedLine({ a: {}, b: {} }, 'names.json')).toBe('2 of them take some arguments encoded (strings holding JSON, key/value lists): "$encoded" in names.json says which; toMcpCall decodes them');
    expect(encodedLine({ a: {} }, undefined)).toContain('"$encoded" in the name map above says which');
  });
});
