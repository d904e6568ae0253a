/**
 * Real MCP clients against the built CLI's MCP face, in front of server-everything over stdio. Each one lists
 * exactly the tools the REST face serves (original names and schemas), calls echo, a structured-output tool and
 * a tool that sends progress:
 * - the v1 SDK Client over Streamable HTTP (/mcp, a 2025-11-25 session) and over the old SSE transport (/sse);
 * - the v2 client package @modelcontextprotocol/client, pinned to 2026-07-28 (stateless, server/discover);
 * - the v2 client in 'auto' negotiation (probes with server/discover, stays modern);
 * - mcp-use's MCPClient (mcp-use 1.34.6, the last release that runs on Node 20) over Streamable HTTP and SSE;
 * - the MCP Inspector's CLI mode (@modelcontextprotocol/inspector 0.15.0, the last release without a Node 22
 *   engine requirement) over /mcp and /sse. Its CLI can neither ask for progress nor show it: the tool that
 *   sends progress is called and must complete.
 *
 * SDK clients run the response of a request before a notification that arrived in the same read, and drop the
 * progress whose request is already answered (modelcontextprotocol/typescript-sdk#2580): so at least all but
 * the last progress must arrive; mcp-face-protocol.test.ts reads the raw stream and sees every one, in order.
 */
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn } from 'node:child_process';
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

it('serve names its MCP endpoints when it starts', () => {
  expect(served.stderr()).toContain(`mcp: ${served.url}/mcp (Streamable HTTP)   ${served.url}/sse (HTTP+SSE)`);
});

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
      // Resources and prompts of the upstream pass through.
      const { resources } = await client.listResources();
      expect(resources.length).toBeGreaterThan(0);
      const read = await client.readResource({ uri: resources[0]!.uri });
      expect(read.contents[0]!.uri).toBe(resources[0]!.uri);
      const { prompts } = await client.listPrompts();
      const simple = prompts.find((p) => (p.arguments ?? []).every((a) => !a.required))!;
      expect((await client.getPrompt({ name: simple.name })).messages.length).toBeGreaterThan(0);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
  });

  it('a task-required tool (simulate-research-query): the adapter runs the upstream task to its end; its status comes as progress', async () => {
    const client = new Client({ name: 'v1-task', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${served.url}/mcp`)));
    try {
      const listed = (await client.listTools()).tools.find((t) => t.name === 'simulate-research-query')!;
      // Listed like any tool: the face answers the call itself, so a client needs no task support.
      expect(listed.execution).toBeUndefined();
      const progress: { progress: number; message?: string }[] = [];
      const result = await client.callTool({ name: 'simulate-research-query', arguments: { topic: 'tides' } }, undefined, { onprogress: (p) => progress.push(p) });
      expect((result.content as { text: string }[])[0]!.text).toContain('# Research Report: tides');
      expect(result.isError).not.toBe(true);
      // The upstream task's id is not the client's business: it has no task to ask about.
      expect(JSON.stringify(result._meta ?? {})).not.toContain('related-task');
      const messages = progress.map((p) => p.message);
      expect(messages).toContain('Gathering sources...');
      expect(messages).toContain('Generating report...');
      expect(progress.map((p) => p.progress)).toEqual(progress.map((_p, i) => i + 1));
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

describe("mcp-use's client", () => {
  it.each([
    ['Streamable HTTP', '/mcp', false, 'streamable-http'],
    ['SSE', '/sse', true, 'sse'],
  ] as const)('over %s', async (_name, path, preferSse, transportType) => {
    process.env.MCP_USE_ANONYMIZED_TELEMETRY = 'false'; // no phoning home from a test
    const { MCPClient } = await import('mcp-use/client');
    const client = new MCPClient({ mcpServers: { adapter: { url: `${served.url}${path}`, preferSse } } });
    try {
      const session = await client.createSession('adapter');
      expect((session.connector as unknown as { getTransportType(): string }).getTransportType()).toBe(transportType);
      await exercise({
        listTools: () => session.listTools() as never,
        callTool: (name, args, onprogress) => session.callTool(name, args, onprogress ? { onprogress } : undefined),
      });
    } finally {
      await client.closeAllSessions();
    }
  });
});

describe('MCP Inspector CLI', () => {
  const inspector = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['node_modules/@modelcontextprotocol/inspector/cli/build/cli.js', '--cli', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  it.each(['/mcp', '/sse'])('%s: tools/list, echo, a structured tool and the progress tool', async (path) => {
    const target = `${served.url}${path}`;
    const list = await inspector([target, '--method', 'tools/list']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).tools.map((t: { name: string }) => t.name).sort()).toEqual(restNames);
    const echo = await inspector([target, '--method', 'tools/call', '--tool-name', 'echo', '--tool-arg', 'message=from the inspector']);
    expect(JSON.parse(echo.stdout).content).toEqual([{ type: 'text', text: 'Echo: from the inspector' }]);
    const structured = await inspector([target, '--method', 'tools/call', '--tool-name', 'get-structured-content', '--tool-arg', 'location=Chicago']);
    expect(JSON.parse(structured.stdout).structuredContent).toMatchObject({ temperature: expect.any(Number) });
    const long = await inspector([target, '--method', 'tools/call', '--tool-name', 'trigger-long-running-operation', '--tool-arg', 'duration=0.3', '--tool-arg', 'steps=3']);
    expect(JSON.parse(long.stdout).content[0].text).toMatch(/Long running operation completed/);
  }, 180_000);
});
