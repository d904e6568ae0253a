/**
 * DESIGN.md's response table, row by row, against a fixture server (fixtures/servers/adapter-faults.mjs)
 * behind an in-process adapter. Every body is also checked against the schema the spec declares for it.
 */
import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, request, specValidator, startAdapter, stdio, type Answer, type Running } from './serve-helpers.js';

const FAULTS = 'fixtures/servers/adapter-faults.mjs';
let run: Running;
let conforms: ReturnType<typeof specValidator>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  run = await startAdapter(stdio(FAULTS), {
    specOptions: { serverUrl: 'https://api.example.com' },
    limits: { callTimeoutMs: 800, maxResponseChars: 5000 },
    logger,
  });
  conforms = specValidator(run.adapter.published.spec);
});
afterAll(async () => {
  await run?.close();
});

function expectError(answer: Answer, status: number, type: string, path = '/tools/x'): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.body?.error?.type).toBe(type);
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.text).not.toMatch(/<html|at .*\.js:\d+/i);
  expect(conforms(path, status, answer.body)).toBeUndefined();
  // an operation documents every status it answers, with Retry-After where the adapter sends one
  const declared = run.adapter.published.spec.paths?.[path]?.post?.responses?.[String(status)];
  if (run.adapter.published.spec.paths?.[path]) expect(declared, `${path} ${status}`).toBeDefined();
  if (status === 429 || status === 503) {
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(0);
    if (declared) expect(declared.headers?.['Retry-After']).toBeDefined();
  }
}

describe('response table', () => {
  it('200: structuredContent is the body', async () => {
    const a = await callTool(run.url, 'ok_structured', {});
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ city: 'Oslo', celsius: -3 });
    expect(conforms('/tools/ok_structured', 200, a.body)).toBeUndefined();
  });

  it('200: text items joined into result', async () => {
    const a = await callTool(run.url, 'ok_text', { name: 'Ann' });
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ result: 'hello Ann\nsecond line' });
    expect(conforms('/tools/ok_text', 200, a.body)).toBeUndefined();
  });

  it('200: an image is described (type, MIME type, size), never inlined as base64', async () => {
    const a = await callTool(run.url, 'image', {});
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ result: 'a red pixel', content: [{ type: 'image', mimeType: 'image/png', size: 300 }] });
    expect(a.text).not.toContain(Buffer.alloc(300, 1).toString('base64').slice(0, 40));
    expect(conforms('/tools/image', 200, a.body)).toBeUndefined();
  });

  it('200: text + image + audio + resources: every item described as the ToolResult schema documents it', async () => {
    const a = await callTool(run.url, 'mixed', {});
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      result: 'three things\nthe end',
      content: [
        { type: 'image', mimeType: 'image/png', size: 30 },
        { type: 'audio', mimeType: 'audio/wav', size: 12 },
        { type: 'resource', uri: 'file:///notes/a.txt', mimeType: 'text/plain', size: 6, text: 'héllo' },
        { type: 'resource', uri: 'file:///notes/b.bin', mimeType: 'application/octet-stream', size: 7 },
        { type: 'resource_link', uri: 'file:///notes/c.md', name: 'c.md', mimeType: 'text/markdown', size: 42, description: 'The third note.' },
      ],
    });
    expect(conforms('/tools/mixed', 200, a.body)).toBeUndefined();
    // the schema is closed: a field the adapter does not send, or a raw payload, would not conform
    const withData = { ...a.body, content: [{ type: 'image', mimeType: 'image/png', data: 'AAAA' }] };
    expect(conforms('/tools/mixed', 200, withData)).toMatch(/additional properties/);
    expect(conforms('/tools/mixed', 200, { ...a.body, extra: 1 })).toMatch(/additional properties/);
    expect(conforms('/tools/mixed', 200, { result: 'x', content: [{ type: 'resource_link', text: 'not sent for links' }] })).toBeDefined();
  });

  it('200: an answer over --max-response-chars is cut with a clear marker', async () => {
    const a = await callTool(run.url, 'huge', { chars: 20_000 });
    expect(a.status).toBe(200);
    expect(a.text.length).toBeLessThanOrEqual(5000);
    expect(a.body.result).toMatch(/\[truncated by mcp-actions: showing \d+ of 20000 characters; responses are limited to 5000 characters/);
    expect(conforms('/tools/huge', 200, a.body)).toBeUndefined();
  });

  it('422: isError is a tool_error with the tool\'s message', async () => {
    const a = await callTool(run.url, 'tool_error', {});
    expectError(a, 422, 'tool_error', '/tools/tool_error');
    expect(a.body.error.message).toBe('the city "Atlantis" does not exist');
  });

  it('422: a JSON-RPC error from the tool is a tool_error, not a 500', async () => {
    const a = await callTool(run.url, 'throws', {});
    expectError(a, 422, 'tool_error', '/tools/throws');
    expect(a.body.error.message).toBe('database is locked');
  });

  it.each([
    ['missing required', {}, 'missing required property "name"'],
    ['wrong type', { name: 5 }, '"/name" must be of type string'],
    ['extra property', { name: 'a', age: 3 }, 'unknown property "age": remove it'],
    ['too short', { name: '' }, '"/name" must NOT have fewer than 1 characters'],
  ])('400: arguments failing the input schema (%s) never reach the server', async (_name, args, message) => {
    const a = await callTool(run.url, 'ok_text', args);
    expectError(a, 400, 'invalid_arguments', '/tools/ok_text');
    expect(a.body.error.details.map((d: { message: string }) => d.message)).toContain(message);
  });

  it('400: JSON-RPC invalid params from the server', async () => {
    const a = await callTool(run.url, 'rejects_params', {});
    expectError(a, 400, 'invalid_arguments', '/tools/rejects_params');
    expect(a.body.error.message).toContain('parameter "when" must be a future date');
  });

  it('400: a body that is not JSON, or not an object, or carries __proto__', async () => {
    const bad = await request(`${run.url}/tools/ok_text`, { method: 'POST', body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expectError(bad, 400, 'invalid_json', '/tools/ok_text');
    const arr = await callTool(run.url, 'ok_text', [1, 2]);
    expectError(arr, 400, 'invalid_arguments', '/tools/ok_text');
    const proto = await request(`${run.url}/tools/ok_text`, { method: 'POST', body: '{"name":"a","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } });
    expectError(proto, 400, 'invalid_arguments', '/tools/ok_text');
  });

  it.each(['/tools/nope', '/tools/constructor', '/tools/__proto__', '/tools/..%2F..%2Fadmin', '/tools/ok_text%2F..'])('404: unknown tool %s', async (path) => {
    const a = await request(`${run.url}${path}`, { method: 'POST', json: {} });
    expectError(a, 404, 'not_found');
  });

  it('404: unknown routes answer JSON too', async () => {
    expectError(await request(`${run.url}/nope`), 404, 'not_found');
    expectError(await request(`${run.url}/tools/%E0%A4%A`, { method: 'POST', json: {} }), 404, 'not_found');
  });

  it('405: wrong method, with Allow', async () => {
    const a = await request(`${run.url}/tools/ok_text`);
    expectError(a, 405, 'method_not_allowed');
    expect(a.headers.get('allow')).toBe('POST');
    expectError(await request(`${run.url}/openapi.json`, { method: 'DELETE' }), 405, 'method_not_allowed');
  });

  it('413: body too large', async () => {
    const a = await callTool(run.url, 'ok_text', { name: 'x'.repeat(110_000) });
    expectError(a, 413, 'payload_too_large', '/tools/ok_text');
  });

  it('415: a JSON body sent as text/plain does not run the tool', async () => {
    const a = await request(`${run.url}/tools/ok_text`, { method: 'POST', body: '{"name":"a"}', headers: { 'content-type': 'text/plain' } });
    expectError(a, 415, 'unsupported_media_type', '/tools/ok_text');
  });

  it('502: structured content that breaks the declared outputSchema', async () => {
    const a = await callTool(run.url, 'bad_structured', {});
    expectError(a, 502, 'upstream_error', '/tools/bad_structured');
    expect(a.body.error.message).toContain('does not match its outputSchema');
  });

  it('504: slower than the call budget, and the call is cancelled upstream', async () => {
    const started = Date.now();
    const a = await callTool(run.url, 'slow', { ms: 10_000, tag: 'budget' });
    expectError(a, 504, 'upstream_timeout', '/tools/slow');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(a.body.error.message).toContain('800 ms');
    await expect.poll(async () => JSON.parse((await callTool(run.url, 'cancelled', {})).body.result)).toContain('budget');
  });

  it('a client that hangs up cancels its call upstream', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${run.url}/tools/slow`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('error', () => resolve());
      req.end(JSON.stringify({ ms: 10_000, tag: 'hangup' }));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await expect.poll(async () => JSON.parse((await callTool(run.url, 'cancelled', {})).body.result)).toContain('hangup');
    await expect.poll(() => logLines.some((l) => l.tool === 'slow' && l.status === 499 && l.error === 'client_closed')).toBe(true);
  });

  it('multiplexes concurrent calls over the one connection, each answer to its own request', async () => {
    const slow = callTool(run.url, 'slow', { ms: 300 });
    const names = Array.from({ length: 60 }, (_, i) => `caller-${i}`);
    const answers = await Promise.all(names.map((name) => callTool(run.url, 'ok_text', { name })));
    answers.forEach((a, i) => expect(a.body).toEqual({ result: `hello ${names[i]}\nsecond line` }));
    expect((await slow).status).toBe(200);
    expect(run.upstream.info?.pid).toBeTypeOf('number');
  });

  it('logs one structured line per call, without arguments', async () => {
    logLines.length = 0;
    await callTool(run.url, 'ok_text', { name: 'secret-name' });
    await callTool(run.url, 'nope', {});
    const calls = logLines.filter((l) => l.msg === 'call');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ tool: 'ok_text', status: 200, bytesIn: 22 });
    expect(calls[0]!.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[0]!.ms).toBeTypeOf('number');
    expect(calls[0]!.bytesOut).toBe(JSON.stringify({ result: 'hello secret-name\nsecond line' }).length);
    expect(calls[1]).toMatchObject({ status: 404, error: 'not_found' });
    expect(JSON.stringify(logLines)).not.toContain('secret-name');
  });

  it('502: the server crashes mid-call; later calls fail fast and /readyz turns 503', async () => {
    expect((await request(`${run.url}/readyz`)).status).toBe(200);
    const a = await callTool(run.url, 'crash', {});
    expectError(a, 502, 'upstream_error', '/tools/crash');
    const started = Date.now();
    const b = await callTool(run.url, 'ok_text', { name: 'after' });
    expectError(b, 502, 'upstream_error', '/tools/ok_text');
    expect(Date.now() - started).toBeLessThan(1000);
    const ready = await request(`${run.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.type).toBe('upstream_unavailable');
    expect(ready.headers.get('retry-after')).toBe('1');
    expect((await request(`${run.url}/healthz`)).status).toBe(200);
  });
});
