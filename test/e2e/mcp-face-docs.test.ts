/** docs/mcp-face.md's curl example is real: the same request against the demo server answers what it shows. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCli, type Served } from './mcp-face-helpers.js';

const doc = readFileSync(new URL('../../docs/mcp-face.md', import.meta.url), 'utf8');
let served: Served;
beforeAll(async () => {
  served = await serveCli(['--log-level', 'warn'], [process.execPath, 'fixtures/servers/demo.mjs']);
}, 30_000);
afterAll(async () => {
  await served?.stop();
});

describe('docs/mcp-face.md', () => {
  it('the curl example answers exactly the line printed under it', async () => {
    const block = /```sh\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(block).toContain('mcp-actions serve --port 8080 -- node fixtures/servers/demo.mjs');
    const curl = block.slice(block.indexOf('curl '), block.indexOf('\n# {'));
    const headers = Object.fromEntries([...curl.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
    const body = /-d '([^']*)'/.exec(curl)![1]!;
    expect(/curl -s (\S+)/.exec(curl)![1]).toBe('http://127.0.0.1:8080/mcp');
    const res = await fetch(`${served.url}/mcp`, { method: 'POST', headers, body });
    const expected = /\n# (\{"jsonrpc".*)\n/.exec(block)![1]!;
    expect(await res.text()).toBe(expected);
  });
  it('names every flag of the MCP face and the revisions it serves', () => {
    for (const s of ['--no-mcp', '--max-sessions', '--session-timeout', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28', '2024-11-05', 'server/discover', 'subscriptions/listen']) {
      expect(doc, s).toContain(s);
    }
  });
});
