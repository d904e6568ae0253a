/**
 * The in-flight limit on the MCP face (built CLI, `--max-inflight 1 --max-queue 1`, the fault server): one
 * limiter for both faces, so a REST call waiting for the slot counts against MCP callers too; past the queue an
 * MCP call answers a JSON-RPC error (-32603, data.type "overloaded", retryAfterSeconds) at once, and the calls
 * that got in finish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SERVER, modern, rpc, serveCli, type Served } from './mcp-face-helpers.js';
import { callTool } from './serve-helpers.js';

let served: Served;
beforeAll(async () => {
  served = await serveCli(['--log-level', 'warn', '--max-inflight', '1', '--max-queue', '1'], [process.execPath, FAULT_SERVER]);
}, 60_000);
afterAll(async () => {
  await served?.stop();
});

const callMcp = (id: number, name: string, args: Record<string, unknown>) => {
  const m = modern('tools/call', { name, arguments: args }, name);
  return rpc(`${served.url}/mcp`, { jsonrpc: '2.0', id, method: 'tools/call', params: m.params }, m.headers);
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('--max-inflight and --max-queue', () => {
  it('hold for both faces at once: past them an MCP call answers "overloaded" at once; the others finish', async () => {
    const holding = callMcp(1, 'slow', { ms: 4000, tag: 'holds-the-slot' });
    await pause(600);
    const queued = callTool(served.url, 'slow', { ms: 10, tag: 'rest-queued' });
    await pause(600);
    const started = Date.now();
    const refused = await callMcp(2, 'echo', { id: 'third' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(refused.status).toBe(200);
    expect(refused.message.error).toMatchObject({ code: -32603, data: { type: 'overloaded', retryAfterSeconds: expect.any(Number) } });
    expect((await holding).message.result.isError).not.toBe(true);
    expect((await queued).status).toBe(200);
    // The slot is free again: the same call now goes through.
    expect((await callMcp(3, 'echo', { id: 'later' })).message.result.structuredContent.id).toBe('later');
  }, 20_000);
});
