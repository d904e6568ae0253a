/** docs/mcp-face.md's curl example is real: the same request against the demo server answers what it shows. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
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
  it('the Inspector command of the docs and the README lists the tools', async () => {
    const command = 'npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8080/mcp --method tools/list';
    expect(doc).toContain(command);
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(command);
    const args = command.split(' ').slice(2).map((a) => a.replace('http://127.0.0.1:8080', served.url));
    const { stdout } = await promisify(execFile)('node_modules/.bin/mcp-inspector', args, { timeout: 60_000 });
    expect(JSON.parse(stdout).tools.map((t: { name: string }) => t.name)).toEqual(['add', 'create_note', 'delete_note', 'get_forecast', 'list_notes']);
  }, 90_000);
  it('names every flag of the MCP face and the revisions it serves', () => {
    for (const s of ['--no-mcp', '--max-sessions', '--session-timeout', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28', '2024-11-05', 'server/discover', 'subscriptions/listen']) {
      expect(doc, s).toContain(s);
    }
  });
});
