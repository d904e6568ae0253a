import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapter/http-error.js';
import { errorResponse } from '../../../src/adapter/invoke.js';
import { base64Size, mapToolResult, nestsDeeperThan } from '../../../src/adapter/map-result.js';

const png = Buffer.alloc(1234, 7).toString('base64');

describe('mapToolResult', () => {
  const table: [string, Parameters<typeof mapToolResult>[0], number, unknown][] = [
    ['structuredContent is the body', { content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 1 } }, 200, { a: 1 }],
    ['text items joined', { content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }, 200, { result: 'one\ntwo' }],
    ['empty content', { content: [] }, 200, { result: '' }],
    [
      'image described, not inlined',
      { content: [{ type: 'text', text: 'see' }, { type: 'image', data: png, mimeType: 'image/png' }] },
      200,
      { result: 'see', content: [{ type: 'image', mimeType: 'image/png', size: 1234 }] },
    ],
    [
      'audio described',
      { content: [{ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' }] },
      200,
      { result: '', content: [{ type: 'audio', mimeType: 'audio/wav', size: 3 }] },
    ],
    [
      'resource link described',
      { content: [{ type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', mimeType: 'text/plain' }] },
      200,
      { result: '', content: [{ type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', mimeType: 'text/plain' }] },
    ],
    [
      'embedded text resource keeps its text',
      { content: [{ type: 'resource', resource: { uri: 'test://x', mimeType: 'text/plain', text: 'héllo' } }] },
      200,
      { result: '', content: [{ type: 'resource', uri: 'test://x', mimeType: 'text/plain', size: 6, text: 'héllo' }] },
    ],
    [
      'embedded blob resource described only',
      { content: [{ type: 'resource', resource: { uri: 'test://b', mimeType: 'application/octet-stream', blob: png } }] },
      200,
      { result: '', content: [{ type: 'resource', uri: 'test://b', mimeType: 'application/octet-stream', size: 1234 }] },
    ],
    ['isError → 422 tool_error', { content: [{ type: 'text', text: 'boom' }], isError: true }, 422, { error: { type: 'tool_error', message: 'boom' } }],
    [
      'isError without text',
      { content: [], isError: true },
      422,
      { error: { type: 'tool_error', message: 'the tool reported an error without a message' } },
    ],
  ];
  it.each(table)('%s', (_name, result, status, body) => {
    const mapped = mapToolResult(result);
    expect(mapped.status).toBe(status);
    expect(mapped.body).toEqual(body);
    expect(JSON.parse(mapped.json)).toEqual(body);
    expect(mapped.json).not.toContain(png);
  });

  it('cuts long text with a marker and stays within the limit', () => {
    const text = 'x'.repeat(5000);
    const mapped = mapToolResult({ content: [{ type: 'text', text }] }, 1000);
    expect(mapped.status).toBe(200);
    expect(mapped.json.length).toBeLessThanOrEqual(1000);
    const result = (mapped.body as { result: string }).result;
    expect(result).toMatch(/^x+\n\[truncated by mcp-actions: showing \d+ of 5000 characters; responses are limited to 1000 characters/);
  });

  it('cuts text that grows when JSON-escaped', () => {
    const text = '"\n'.repeat(3000);
    const mapped = mapToolResult({ content: [{ type: 'text', text }] }, 2000);
    expect(mapped.json.length).toBeLessThanOrEqual(2000);
    expect(mapped.json).toContain('truncated by mcp-actions');
  });

  it('cuts a long tool error message', () => {
    const mapped = mapToolResult({ content: [{ type: 'text', text: 'e'.repeat(10_000) }], isError: true }, 1000);
    expect(mapped.status).toBe(422);
    expect(mapped.json.length).toBeLessThanOrEqual(1000);
    expect(mapped.json).toContain('truncated by mcp-actions');
  });

  it('refuses structured content over the limit instead of cutting JSON', () => {
    const mapped = mapToolResult({ content: [], structuredContent: { big: 'y'.repeat(2000) } }, 1000);
    expect(mapped.status).toBe(502);
    expect((mapped.body as { error: { type: string } }).error.type).toBe('response_too_large');
  });

  it('replaces base64 payloads inside structured content by a description', () => {
    const structured = { content: [{ type: 'image', data: png, mimeType: 'image/png' }], file: { uri: 'f://x', blob: png }, note: { data: 'kept' } };
    const mapped = mapToolResult({ content: [], structuredContent: structured });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toEqual({
      content: [{ type: 'image', data: '[image/png, 1234 bytes of base64 data omitted by mcp-actions]', mimeType: 'image/png' }],
      file: { uri: 'f://x', blob: '[binary, 1234 bytes of base64 data omitted by mcp-actions]' },
      note: { data: 'kept' },
    });
    expect(mapped.json).not.toContain(png);
    expect(structured.content[0]!.data).toBe(png);
  });

  it('computes base64 sizes', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 100]) expect(base64Size(Buffer.alloc(n).toString('base64'))).toBe(n);
  });
});

describe('bounds on the whole body', () => {
  const nest = (levels: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
    return v;
  };

  it.each([
    [nest(0), 10, false],
    [nest(10), 10, false],
    [nest(11), 10, true],
    [{ a: [1, 2, { b: {} }] }, 4, false],
    [{ a: [1, 2, { b: {} }] }, 3, true],
    [nest(200_000), 128, true],
  ])('nestsDeeperThan #%#', (value, max, want) => expect(nestsDeeperThan(value, max)).toBe(want));

  it('deep structured content is a 502, never a stack overflow', () => {
    const mapped = mapToolResult({ structuredContent: { x: nest(50_000) } });
    expect(mapped.status).toBe(502);
    expect(mapped.body).toMatchObject({ error: { type: 'upstream_error' } });
  });

  it.each([1000, 5000, 100_000])('cuts the items list to fit %i characters, text first', (limit) => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ type: 'resource_link', uri: `file:///f/${i}`, name: `n${i}` }));
    const mapped = mapToolResult({ content: [{ type: 'text', text: 'summary' }, ...items] }, limit);
    expect(mapped.json.length).toBeLessThanOrEqual(limit);
    const body = mapped.body as { result: string; content?: unknown[] };
    expect(body.result.startsWith('summary\n[truncated by mcp-actions: showing ')).toBe(true);
    expect(body.result).toContain('of 20000 content items');
    expect(JSON.parse(mapped.json)).toEqual(body);
  });

  it('cuts both a long text and a long items list', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ type: 'resource_link', uri: `file:///f/${i}` }));
    const mapped = mapToolResult({ content: [{ type: 'text', text: '"q"'.repeat(40_000) }, ...items] }, 10_000);
    expect(mapped.json.length).toBeLessThanOrEqual(10_000);
    const body = mapped.body as { result: string; content?: unknown[] };
    expect(body.result).toMatch(/characters; responses are limited to 10000[\s\S]*content items/);
    expect(body.content!.length).toBeGreaterThan(0);
  });

  it('keeps file download URLs and still fits a long items list within the limit', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ type: 'resource_link', uri: `file:///f/${i}` }));
    const urls = Array.from({ length: 10 }, (_, i) => `http://127.0.0.1:8080/files/${'x'.repeat(40)}${i}`);
    const mapped = mapToolResult({ content: [{ type: 'text', text: 'summary' }, ...items] }, 5000, urls)!;
    expect(mapped.json.length).toBeLessThanOrEqual(5000);
    const body = mapped.body as { result: string; content?: unknown[]; openaiFileResponse?: string[] };
    expect(body.openaiFileResponse).toEqual(urls);
    expect(body.result).toContain('of 20000 content items');
  });
});

describe('errorResponse', () => {
  it('keeps an error body within the limit, message cut and details dropped', () => {
    const error = new HttpError(422, 'tool_error', 'm'.repeat(50_000), { details: [{ message: 'd'.repeat(50_000) }] });
    const r = errorResponse(error, 2000);
    expect(r.json.length).toBeLessThanOrEqual(2000);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: { type: 'tool_error', message: expect.stringMatching(/^m+\n\[truncated by mcp-actions: showing \d+ of 50000 characters/) } });
    expect(errorResponse(new HttpError(400, 'invalid_arguments', 'short')).json).toBe('{"error":{"type":"invalid_arguments","message":"short"}}');
  });
});
