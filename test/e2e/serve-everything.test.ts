/**
 * Every tool of @modelcontextprotocol/server-everything, over stdio and over Streamable HTTP, answers through
 * the adapter what a direct SDK client gets, and every body conforms to the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiresTask } from '../../src/mcp/catalog.js';
import { connectSdk, type SdkConnection } from '../helpers/sdk-client.js';
import type { Target } from '../../src/mcp/target.js';
import { EVERYTHING, startAdapter, startEverythingHttp, stdio, type Running } from './serve-helpers.js';
import { expectParity, withoutTimes, type ParityCase } from './serve-parity.js';

const same = (args: Record<string, unknown>) => ({ direct: args, adapter: args });
const CASES: ParityCase[] = [
  { tool: 'echo', args: same({ message: 'hello adapter' }) },
  { tool: 'get-annotated-message', args: same({ messageType: 'success', includeImage: true }) },
  { tool: 'get-annotated-message', args: same({ messageType: 'error' }) },
  { tool: 'get-env', args: same({}) },
  { tool: 'get-resource-links', args: same({ count: 3 }) },
  { tool: 'get-resource-reference', args: same({ resourceType: 'Text', resourceId: 1 }) },
  { tool: 'get-resource-reference', args: same({ resourceType: 'Blob', resourceId: 2 }) },
  { tool: 'get-structured-content', args: same({ location: 'Chicago' }) },
  { tool: 'get-sum', args: same({ a: 2.5, b: 40 }) },
  { tool: 'get-tiny-image', args: same({}) },
  { tool: 'gzip-file-as-resource', args: same({ name: 'hello.gz', data: 'data:text/plain;base64,aGVsbG8gd29ybGQ=' }) },
  { tool: 'toggle-simulated-logging', args: same({}) },
  { tool: 'toggle-subscriber-updates', args: same({}) },
  { tool: 'trigger-long-running-operation', args: same({ duration: 0.2, steps: 2 }) },
];

function suite(name: string, makeTarget: () => Promise<Target>) {
  describe(name, () => {
    let run: Running;
    let direct: SdkConnection;
    beforeAll(async () => {
      const target = await makeTarget();
      run = await startAdapter(target);
      direct = await connectSdk(target);
    });
    afterAll(async () => {
      await direct?.close();
      await run?.close();
    });

    it('covers every tool; the task-only one runs as an MCP task and answers like any call (no jobs here)', async () => {
      const catalog = run.upstream.catalog.tools;
      const names = catalog.filter((t) => !requiresTask(t)).map((t) => t.name);
      expect(names.length).toBeGreaterThanOrEqual(12);
      // parity cases: every tool a plain tools/call (and so the SDK client of the parity check) can run
      expect(new Set(CASES.map((c) => c.tool))).toEqual(new Set(names));
      // the server declares simulate-research-query task-only (execution.taskSupport: 'required')
      expect(catalog.filter(requiresTask).map((t) => t.name)).toEqual(['simulate-research-query']);
      const spec = run.adapter.published.spec;
      const tools = Object.values(spec.paths ?? {}).map((p) => (p.post as Record<string, unknown>)['x-mcp-tool']);
      expect(new Set(tools)).toEqual(new Set(catalog.map((t) => t.name)));
      expect(run.adapter.published.notes).not.toContainEqual(expect.objectContaining({ code: 'task-required' }));
      const answer = await fetch(`${run.url}/tools/simulate-research-query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"topic":"x"}' });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { result: string }).result).toContain('# Research Report: x');
    });

    it.each(CASES.map((c) => [c.tool, c] as const))('%s', async (_tool, c) => {
      await expectParity(direct.client, run.url, run.adapter.published.spec, c, withoutTimes);
    });

    it('answers a burst of concurrent calls, each with its own answer', async () => {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => fetch(`${run.url}/tools/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `m${i}` }) }).then((r) => r.json())),
      );
      answers.forEach((a, i) => expect(a).toEqual({ result: `Echo: m${i}` }));
    });
  });
}

suite('server-everything over stdio', async () => stdio(EVERYTHING, ['stdio']));

let http: Awaited<ReturnType<typeof startEverythingHttp>> | undefined;
afterAll(async () => {
  await http?.stop();
});
suite('server-everything over Streamable HTTP', async () => {
  http = await startEverythingHttp();
  return { kind: 'http', url: http.url, headers: {}, transport: 'streamable-http' };
});
