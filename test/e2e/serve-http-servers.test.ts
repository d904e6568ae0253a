/**
 * `serve --url` in front of the servers the project's users start from, each with one echo tool: a FastMCP
 * server (`fastmcp`, httpStream), an mcp-use `MCPServer`, and a v2-SDK `createMcpHandler` endpoint that only
 * speaks 2026-07-28 (the adapter discovers it and sends `_meta` and Mcp-Method/Mcp-Name on each request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, newMark, startProcess, type ServerProcess } from '../helpers/cli.js';
import { startSupervised, type Supervised } from './faults-helpers.js';
import { callTool } from './serve-helpers.js';

const mark = newMark();
const servers: [string, string[]][] = [
  ['fastmcp', ['fastmcp-echo.mjs']],
  ['mcp-use', ['mcp-use-echo.mjs']],
  ['sdk-v2 (2026-07-28 only)', ['sdk-v2-echo.mjs', '--modern-only']],
];

/** Starts a fixture and waits for the endpoint it prints (mcp-use prints its inspector's URL first). */
async function startEndpoint(argv: string[]): Promise<ServerProcess & { url: string }> {
  const proc = startProcess(argv, { mark });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /http:\/\/127\.0\.0\.1:\d+\/mcp/.exec(proc.output());
    if (m) return { ...proc, url: m[0] };
    if (Date.now() > deadline || proc.child.exitCode !== null) {
      await proc.stop();
      throw new Error(`${argv.join(' ')} printed no endpoint: ${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const started: { upstream?: ServerProcess & { url: string }; s?: Supervised }[] = servers.map(() => ({}));
// All three at once: their start-up (1-4 s each) is most of this file's time.
beforeAll(async () => {
  await Promise.all(
    servers.map(async ([, [script, ...args]], i) => {
      const upstream = await startEndpoint([process.execPath, `${FIXTURES}${script}`, ...args]);
      started[i]!.upstream = upstream;
      started[i]!.s = await startSupervised({ kind: 'http', url: upstream.url, headers: {}, transport: 'auto' });
    }),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(started.map(async ({ s, upstream }) => (await s?.close(), await upstream?.stop())));
});

describe.each(servers.map(([name, argv], i) => [name, argv, i] as const))('serve --url in front of a %s server', (_name, [script], i) => {
  it('lists its tool and answers a call through the REST face', async () => {
    const s = started[i]!.s!;
    expect(s.supervisor.catalog.tools.map((t) => t.name)).toContain('echo');
    const answer = await callTool(s.url, 'echo', { message: 'hi' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ result: 'Echo: hi' });
    if (script === 'sdk-v2-echo.mjs') expect(s.supervisor.info?.session.stateless).toBe(true);
  });
});
