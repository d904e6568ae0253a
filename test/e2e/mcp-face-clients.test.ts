/**
 * Real MCP clients against the built CLI's MCP face, in front of server-everything over stdio. Each one lists
 * exactly the tools the REST face serves (original names and schemas), calls echo, a structured-output tool and
 * a tool that sends progress:
 * - the v1 SDK Client over Streamable HTTP (/mcp, a 2025-11-25 session) and over the old SSE transport (/sse);
 * - the v2 client package @modelcontextprotocol/client, pinned to 2026-07-28 (stateless, server/discover);
 * - the v2 client in 'auto' negotiation (probes with server/discover, stays modern).
 *
 * SDK clients run the response of a request before a notification that arrived in the same read, and drop the
 * progress whose request is already answered (modelcontextprotocol/typescript-sdk#2580): so at least all but
 * the last progress must arrive; mcp-face-protocol.test.ts reads the raw stream and sees every one, in order.
 */
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, restToolNames, serveCli, type Served } from './mcp-face-helpers.js';

let served: Served;
let restNames: string[];
let catalog: Map<string, { inputSchema: unknown; outputSchema?: unknown }>;

beforeAll(async () => {
  served = await serveCli(['--log-level', 'warn'], [process.execPath, EVERYTHING, 'stdio']);
  restNames = await restToolNames(served.url);
  // The upstream's own tool list, read by the SDK directly over stdio: what "original schemas" means.
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const direct = new Client({ name: 'direct', version: '0' });
  await direct.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }));
  catalog = new Map((await direct.listTools()).tools.map((t) => [t.name, { inputSchema: t.inputSchema, outputSchema: t.outputSchema }]));
  await direct.close();
}, 60_000);
afterAll(async () => {
  await served?.stop();
});

interface Api {
  listTools(): Promise<{ name: string; inputSchema: unknown; outputSchema?: unknown }[]>;
  callTool(name: string, args: Record<string, unknown>, onprogress?: (p: { progress: number; total?: number }) => void): Promise<any>;
}

/** The same checks for every client. */
async function exercise(api: Api): Promise<void> {
  const tools = await api.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(restNames);
  expect(restNames).toContain('echo');
  for (const tool of tools) {
    expect(tool.inputSchema).toEqual(catalog.get(tool.name)!.inputSchema);
    expect(tool.outputSchema).toEqual(catalog.get(tool.name)!.outputSchema);
  }
  const echo = await api.callTool('echo', { message: 'hello through the face' });
  expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hello through the face' }]);
  const structured = await api.callTool('get-structured-content', { location: 'Chicago' });
  expect(structured.structuredContent).toMatchObject({ temperature: expect.any(Number), conditions: expect.any(String) });
  expect(structured.isError).not.toBe(true);
  const progress: { progress: number; total?: number }[] = [];
  const steps = 4;
  const long = await api.callTool('trigger-long-running-operation', { duration: 0.4, steps }, (p) => progress.push(p));
  expect(long.content[0].text).toMatch(/Long running operation completed/);
  expect(progress.length).toBeGreaterThanOrEqual(steps - 1);
  expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4].slice(0, progress.length));
  expect(progress.every((p) => p.total === steps)).toBe(true);
}

function v1Api(client: Client): Api {
  return {
    listTools: async () => (await client.listTools()).tools,
    callTool: (name, args, onprogress) => client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : undefined),
  };
}

describe('v1 SDK Client', () => {
  it('over Streamable HTTP (/mcp): a 2025-11-25 session', async () => {
    const client = new Client({ name: 'v1-http', version: '0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`));
    await client.connect(transport);
    try {
      expect(transport.sessionId).toMatch(/^[\x21-\x7e]{20,}$/);
      expect(client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything' });
      expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: {}, prompts: {} });
      await exercise(v1Api(client));
      await transport.terminateSession();
    } finally {
      await client.close();
    }
  });

  it('over the old HTTP+SSE transport (/sse)', async () => {
    const client = new Client({ name: 'v1-sse', version: '0' });
    await client.connect(new SSEClientTransport(new URL(`${served.url}/sse`)));
    try {
      await exercise(v1Api(client));
    } finally {
      await client.close();
    }
  });
});

describe('v2 client (@modelcontextprotocol/client)', () => {
  const v2Api = (client: ClientV2): Api => ({
    listTools: async () => (await client.listTools()).tools as never,
    callTool: (name, args, onprogress) => client.callTool({ name, arguments: args }, onprogress ? { onprogress } : undefined),
  });

  it('pinned to 2026-07-28: stateless, no session id', async () => {
    const client = new ClientV2({ name: 'v2-pinned', version: '0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const transport = new HttpV2(new URL(`${served.url}/mcp`));
    await client.connect(transport);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(transport.sessionId).toBeUndefined();
      await exercise(v2Api(client));
    } finally {
      await client.close();
    }
  });

  it("in 'auto' negotiation: server/discover answers, so it stays on 2026-07-28", async () => {
    const client = new ClientV2({ name: 'v2-auto', version: '0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new HttpV2(new URL(`${served.url}/mcp`)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      await exercise(v2Api(client));
    } finally {
      await client.close();
    }
  });
});
