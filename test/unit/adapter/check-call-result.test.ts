/** tools/call results as the adapter reads them: what passes to the mapping, what is a malformed result (502). */
import { describe, expect, it } from 'vitest';
import { mapCallError } from '../../../src/adapter/map-error.js';
import { checkCallResult } from '../../../src/adapter/upstream.js';

describe('checkCallResult', () => {
  it.each([
    ['content only', { content: [{ type: 'text', text: 'hi' }] }],
    ['no content at all', {}],
    ['structured content and isError', { content: [], structuredContent: { a: 1 }, isError: false }],
    ['odd content items (the mapping describes them)', { content: [{ type: 'future-thing' }, 3] }],
  ])('passes %s through unchanged', (_label, result) => {
    expect(checkCallResult(result as Record<string, unknown>)).toBe(result);
  });

  it.each([
    ['content that is not an array', { content: 'hi' }, 'tools/call result "content" is not an array'],
    ['structuredContent that is not an object', { content: [], structuredContent: [1] }, 'tools/call result "structuredContent" is not an object'],
    ['isError that is not a boolean', { content: [], isError: 'yes' }, 'tools/call result "isError" is not a boolean'],
  ])('refuses %s, which the adapter answers with 502', (_label, result, message) => {
    let error: unknown;
    try {
      checkCallResult(result as Record<string, unknown>);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe(message);
    const http = mapCallError(error, 'tool', 1000);
    expect(http.status).toBe(502);
    expect(http.type).toBe('upstream_error');
  });
});
