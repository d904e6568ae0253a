/**
 * The example agent loop (examples/openai-agent.ts), end to end with no network: the real `openai` client
 * talks to a stand-in Chat Completions endpoint (express on 127.0.0.1:0, streaming SSE) that answers one
 * tool call and then text; the tool call really runs on the MCP server.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../../examples/openai-agent.js';
import { connect, formatToolResult, type StdioTarget } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo: StdioTarget = { kind: 'stdio', command: process.execPath, args: [`${root}fixtures/servers/demo.mjs`], env: {} };
const everything: StdioTarget = {
  kind: 'stdio',
  command: process.execPath,
  args: [`${root}node_modules/@modelcontextprotocol/server-everything/dist/index.js`, 'stdio'],
  env: {},
};

type Body = { model: string; stream?: boolean; tools?: Array<{ type: string; function: { name: string; strict?: boolean } }>; messages: Array<Record<string, unknown>> };
/** What the stand-in answers on a turn: a tool call (its arguments sent in two pieces) or text (in pieces). */
type Reply = { call: { name: string; arguments: string } } | { text: string[] };

let server: Server;
let baseURL: string;
let script: Reply[] = [];
const requests: Body[] = [];

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model: 'stand-in', choices: [{ index: 0, delta, finish_reason: finish }] };
  return `data: ${JSON.stringify(body)}\n\n`;
}

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/v1/chat/completions', (req, res) => {
    const body = req.body as Body;
    requests.push(body);
    const reply = script[requests.length - 1] ?? { text: ['(script exhausted)'] };
    res.setHeader('Content-Type', 'text/event-stream');
    res.write(chunk({ role: 'assistant', content: '' }));
    if ('call' in reply) {
      const half = Math.floor(reply.call.arguments.length / 2);
      const id = `call_${requests.length}`;
      res.write(chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name: reply.call.name, arguments: reply.call.arguments.slice(0, half) } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: reply.call.arguments.slice(half) } }] }));
      res.write(chunk({}, 'tool_calls'));
    } else {
      for (const piece of reply.text) res.write(chunk({ content: piece }));
      res.write(chunk({}, 'stop'));
    }
    res.end('data: [DONE]\n\n');
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** What the MCP server itself answers for a call, formatted the way the agent formats it. */
async function directResult(target: StdioTarget, name: string, args: Record<string, unknown>): Promise<string> {
  const connection = await connect(target, { timeoutMs: 15_000 });
  try {
    return formatToolResult((await connection.session.request('tools/call', { name, arguments: args })) as Parameters<typeof formatToolResult>[0]);
  } finally {
    await connection.close();
  }
}

function tooling(): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0 });
}

describe('examples/openai-agent.ts against a stand-in endpoint', () => {
  it('streams, runs the tool call on the demo server, sends its result back, then streams the answer', async () => {
    requests.length = 0;
    script = [{ call: { name: 'get_forecast', arguments: '{"city":"Lisbon","units":null,"days":null}' } }, { text: ['Lisbon will be ', 'fine.'] }];
    const pieces: string[] = [];
    const result = await runAgent({ target: demo, prompt: 'Weather in Lisbon?', openai: tooling(), model: 'stand-in', onText: (t) => pieces.push(t) });

    expect(requests).toHaveLength(2);
    const first = requests[0]!;
    expect(first.stream).toBe(true);
    expect(first.model).toBe('stand-in');
    expect(first.messages).toEqual([{ role: 'user', content: 'Weather in Lisbon?' }]);
    const forecastTool = first.tools!.find((t) => t.function.name === 'get_forecast');
    expect(forecastTool?.function.strict).toBe(true);
    expect(first.tools).toHaveLength(5);

    // the strict-mode nulls were dropped before the MCP call
    expect(result.toolCalls).toEqual([expect.objectContaining({ functionName: 'get_forecast', toolName: 'get_forecast', arguments: { city: 'Lisbon' } })]);
    const second = requests[1]!;
    const assistant = second.messages.find((m) => m.role === 'assistant') as { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
    expect(assistant.tool_calls[0]!.function).toEqual({ name: 'get_forecast', arguments: '{"city":"Lisbon","units":null,"days":null}' });
    const toolMessage = second.messages.find((m) => m.role === 'tool') as { tool_call_id: string; content: string };
    expect(toolMessage.tool_call_id).toBe(assistant.tool_calls[0]!.id);
    const expected = await directResult(demo, 'get_forecast', { city: 'Lisbon' });
    expect(toolMessage.content).toBe(expected);
    expect(JSON.parse(toolMessage.content)).toMatchObject({ city: 'Lisbon', units: 'metric', temperatures: [expect.any(Number)] });

    expect(pieces).toEqual(['Lisbon will be ', 'fine.']);
    expect(result.text).toBe('Lisbon will be fine.');
  });

  it('runs a call on server-everything, and reports a bad call to the model instead of crashing', async () => {
    requests.length = 0;
    script = [
      { call: { name: 'no_such_tool', arguments: '{}' } },
      { call: { name: 'get-sum', arguments: '{"a":2,"b":40}' } },
      { text: ['The sum is 42.'] },
    ];
    const result = await runAgent({ target: everything, prompt: 'Add 2 and 40', openai: tooling(), model: 'stand-in' });
    expect(requests).toHaveLength(3);
    const errorMessage = requests[1]!.messages.find((m) => m.role === 'tool') as { content: string };
    expect(errorMessage.content).toMatch(/^Error: the model called "no_such_tool"/);
    const toolMessages = requests[2]!.messages.filter((m) => m.role === 'tool') as Array<{ content: string }>;
    expect(toolMessages).toHaveLength(2);
    expect(toolMessages[1]!.content).toBe(await directResult(everything, 'get-sum', { a: 2, b: 40 }));
    expect(toolMessages[1]!.content).toContain('42');
    expect(result.toolCalls.map((c) => c.toolName)).toEqual(['get-sum']);
    expect(result.text).toBe('The sum is 42.');
  });

  it('routes a call to a task-only tool (simulate-research-query) through the name map and callTool: the research report reaches the model', async () => {
    requests.length = 0;
    script = [{ call: { name: 'simulate-research-query', arguments: '{"topic":"tides","ambiguous":null}' } }, { text: ['Here is the report.'] }];
    const result = await runAgent({ target: everything, prompt: 'Research tides', openai: tooling(), model: 'stand-in' });
    // the model was offered the task-only tool like any other
    expect(requests[0]!.tools!.map((t) => t.function.name)).toContain('simulate-research-query');
    expect(result.toolCalls).toEqual([expect.objectContaining({ toolName: 'simulate-research-query', arguments: { topic: 'tides' } })]);
    const toolMessage = requests[1]!.messages.find((m) => m.role === 'tool') as { content: string };
    expect(toolMessage.content).toContain('# Research Report: tides');
    expect(toolMessage.content).toContain('Stage 4: Generating report');
    expect(result.text).toBe('Here is the report.');
  }, 60_000);

  it('runs as docs/openai.md shows it (npx tsx examples/openai-agent.ts "…" -- node fixtures/servers/demo.mjs): tsx is a dev dependency', async () => {
    // npx would fetch a missing tsx (or take one from its own cache): the project must install it
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.tsx).toBeDefined();
    expect(existsSync(`${root}node_modules/tsx/package.json`)).toBe(true);
    requests.length = 0;
    script = [{ call: { name: 'get_forecast', arguments: '{"city":"Lisbon","units":null,"days":null}' } }, { text: ['Lisbon will be ', 'fine.'] }];
    const child = spawn('npx', ['tsx', 'examples/openai-agent.ts', 'Weather in Lisbon?', '--', 'node', 'fixtures/servers/demo.mjs'], {
      cwd: root,
      env: { ...process.env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: baseURL, OPENAI_MODEL: 'stand-in', npm_config_offline: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('Lisbon will be fine.\n');
    expect(stderr).toContain('called get_forecast {"city":"Lisbon"}');
    expect(requests).toHaveLength(2);
  }, 60_000);
});
