/**
 * Results the adapter must bound, from a server that writes its JSON-RPC by hand (fixtures/servers/raw-results.mjs):
 * structuredContent nested 100,000 deep is a 502 in the error shape (not a 500 from a stack overflow), and
 * --max-response-chars holds for the whole body: 100,000 resource links, or a JSON-RPC error message of
 * megabytes, are cut with a marker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, request, specValidator, startAdapter, stdio, type Running } from './serve-helpers.js';

const RAW = 'fixtures/servers/raw-results.mjs';

describe('result bounds', () => {
  let run: Running;
  let small: Running;
  let conforms: ReturnType<typeof specValidator>;
  beforeAll(async () => {
    [run, small] = await Promise.all([startAdapter(stdio(RAW)), startAdapter(stdio(RAW), { limits: { maxResponseChars: 1000 } })]);
    conforms = specValidator((await request(`${run.url}/openapi.json`)).body);
  });
  afterAll(async () => {
    await Promise.all([run?.close(), small?.close()]);
  });

  it('structuredContent nested 100,000 deep: 502 upstream_error, and the adapter keeps serving', async () => {
    const a = await callTool(run.url, 'deep', { levels: 100_000 });
    expect(a.status).toBe(502);
    expect(a.body.error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining('nested deeper than 128 levels') });
    expect(conforms('/tools/deep', a.status, a.body)).toBeUndefined();
    const ok = await callTool(run.url, 'deep', { levels: 20 });
    expect(ok.status).toBe(200);
  });

  it.each([
    ['default (100,000)', () => run, 100_000],
    ['1,000', () => small, 1000],
  ])('100,000 resource links stay within --max-response-chars %s, with a marker saying how many are shown', async (_name, server, limit) => {
    const a = await callTool(server().url, 'links', { count: 100_000 });
    expect(a.status).toBe(200);
    expect(a.text.length).toBeLessThanOrEqual(limit);
    expect(a.body.result).toMatch(/^100000 files\n\[truncated by mcp-actions: showing \d+ of 100000 content items; responses are limited to/);
    const shown = Number(/showing (\d+) of 100000 content items/.exec(a.body.result)![1]);
    expect(a.body.content?.length ?? 0).toBe(shown);
    if (limit === 100_000) expect(shown).toBeGreaterThan(500);
    expect(conforms('/tools/links', a.status, a.body)).toBeUndefined();
    // A list that fits is passed whole.
    const few = await callTool(server().url, 'links', { count: 3 });
    expect(few.body.content).toHaveLength(3);
    expect(few.body.result).toBe('3 files');
  });

  it('a JSON-RPC error message of 5 MB: 422 tool_error within the limit', async () => {
    for (const [server, limit] of [[run, 100_000], [small, 1000]] as const) {
      const a = await callTool(server.url, 'error', { chars: 5_000_000 });
      expect(a.status).toBe(422);
      expect(a.text.length).toBeLessThanOrEqual(limit);
      expect(a.body.error.type).toBe('tool_error');
      expect(a.body.error.message).toMatch(/\[truncated by mcp-actions: showing \d+ of 5000000 characters/);
    }
  });
});
