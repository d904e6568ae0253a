/**
 * `generate responses-mcp` learns the MCP face: a bare adapter URL means its /mcp endpoint, and with no server
 * given, the tools are listed through that endpoint (mcp-actions' own client talking to its own MCP face).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpEndpointUrl } from '../../src/functions/responses-mcp.js';
import { newMark, runCli } from '../helpers/cli.js';
import { serveCli, type Served } from './mcp-face-helpers.js';

const mark = newMark();
let served: Served;
beforeAll(async () => {
  served = await serveCli(['--log-level', 'warn'], [process.execPath, 'fixtures/servers/demo.mjs']);
}, 30_000);
afterAll(async () => {
  await served?.stop();
});

describe('mcpEndpointUrl', () => {
  it.each([
    ['https://host', 'https://host/mcp'],
    ['https://host/', 'https://host/mcp'],
    ['https://host:8443', 'https://host:8443/mcp'],
    ['https://host/mcp', 'https://host/mcp'],
    ['https://host/github/mcp', 'https://host/github/mcp'],
    ['https://host/sse', 'https://host/sse'],
    ['https://host/?x=1', 'https://host/?x=1'],
  ])('%s → %s', (given, endpoint) => {
    expect(mcpEndpointUrl(given)).toBe(endpoint);
  });
});

describe('generate responses-mcp --server-url <adapter>', () => {
  it('points server_url at the MCP face and lists the tools through it', async () => {
    const r = await runCli(['generate', 'responses-mcp', '--server-url', served.url, '--label', 'notes'], { mark });
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    const block = JSON.parse(r.stdout);
    expect(block.server_url).toBe(`${served.url}/mcp`);
    expect(block.allowed_tools).toEqual(['add', 'create_note', 'delete_note', 'get_forecast', 'list_notes']);
    expect(r.stderr).toContain(`server_url: ${served.url}/mcp (the MCP endpoint of mcp-actions serve`);
  });
});
