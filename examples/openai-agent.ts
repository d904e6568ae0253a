/**
 * An agent loop with the official `openai` package and any MCP server, through the mcp-actions library:
 * the MCP tools become strict Chat Completions function tools, the model's answer streams as it is written,
 * and every tool call is routed back to the MCP tool through the name map.
 *
 *   OPENAI_API_KEY=sk-… npx tsx examples/openai-agent.ts "Weather in Lisbon?" -- node fixtures/servers/demo.mjs
 *
 * Reads OPENAI_API_KEY, OPENAI_BASE_URL (any Chat Completions compatible endpoint) and OPENAI_MODEL.
 * In your own project, import from 'mcp-actions' instead of '../src/index.js'.
 */
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionTool } from 'openai/resources/chat/completions';
import { buildFunctionTools, callTool as callMcpTool, connect, formatToolResult, readCatalog, toMcpCall, type Connection, type Target, type ToolCatalog } from '../src/index.js';

export interface AgentOptions {
  /** The MCP server: stdio command or HTTP URL. */
  target: Target;
  prompt: string;
  openai: OpenAI;
  model: string;
  /** Called with each piece of streamed answer text. */
  onText?: (text: string) => void;
  /** Model round trips before giving up (default 8). */
  maxTurns?: number;
}

export interface ToolCallRecord {
  functionName: string;
  toolName: string;
  arguments: Record<string, unknown>;
  result: string;
}

export interface AgentResult {
  text: string;
  toolCalls: ToolCallRecord[];
  messages: ChatCompletionMessageParam[];
}

/** Runs the loop: model → tool calls → MCP → results → model, until the model answers with text only. */
export async function runAgent(options: AgentOptions): Promise<AgentResult> {
  const connection = await connect(options.target, { timeoutMs: 30_000 });
  try {
    const catalog = await readCatalog(connection);
    const { tools, nameMap } = buildFunctionTools(catalog, { api: 'chat', strict: true });
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: options.prompt }];
    const toolCalls: ToolCallRecord[] = [];
    for (let turn = 0; turn < (options.maxTurns ?? 8); turn++) {
      const { text, calls } = await streamTurn(options, messages, tools);
      messages.push({ role: 'assistant', content: text === '' ? null : text, ...(calls.length ? { tool_calls: calls } : {}) });
      if (calls.length === 0) return { text, toolCalls, messages };
      for (const call of calls) {
        const record = await callTool(connection, catalog, nameMap, call);
        if ('toolName' in record) toolCalls.push(record);
        messages.push({ role: 'tool', tool_call_id: call.id, content: record.result });
      }
    }
    throw new Error(`the model did not finish within ${options.maxTurns ?? 8} turns`);
  } finally {
    await connection.close();
  }
}

/** One streamed completion: forwards text as it comes and reassembles the tool calls from their deltas. */
async function streamTurn(
  options: AgentOptions,
  messages: ChatCompletionMessageParam[],
  tools: ChatCompletionTool[],
): Promise<{ text: string; calls: ChatCompletionMessageToolCall[] }> {
  const stream = await options.openai.chat.completions.create({ model: options.model, messages, tools, stream: true });
  let text = '';
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    if (delta?.content) {
      text += delta.content;
      options.onText?.(delta.content);
    }
    for (const part of delta?.tool_calls ?? []) {
      const slot = (calls[part.index] ??= { id: '', name: '', arguments: '' });
      if (part.id) slot.id = part.id;
      if (part.function?.name) slot.name += part.function.name;
      if (part.function?.arguments) slot.arguments += part.function.arguments;
    }
  }
  return {
    text,
    calls: calls.filter(Boolean).map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  };
}

/** Routes one call to the MCP tool; any failure becomes an error text the model can read and recover from. */
async function callTool(
  connection: Connection,
  catalog: ToolCatalog,
  nameMap: Record<string, string>,
  call: ChatCompletionMessageToolCall,
): Promise<ToolCallRecord | { result: string }> {
  if (call.type !== 'function') return { result: `Error: unsupported tool call type ${call.type}` };
  try {
    const mcp = toMcpCall(catalog, nameMap, call.function.name, call.function.arguments);
    // callTool runs the call as an MCP task when the server wants it so (a task-only tool), else as a plain tools/call
    const taskSupport = catalog.tools.find((t) => t.name === mcp.name)?.execution?.taskSupport;
    const result = (await callMcpTool(connection.session, mcp.name, mcp.arguments, { timeout: 10 * 60_000, ...(taskSupport ? { taskSupport } : {}) })) as Parameters<typeof formatToolResult>[0];
    return { functionName: call.function.name, toolName: mcp.name, arguments: mcp.arguments, result: formatToolResult(result) };
  } catch (error) {
    return { result: `Error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function main(argv: string[]): Promise<void> {
  const dash = argv.indexOf('--');
  const prompt = argv.slice(0, dash === -1 ? undefined : dash).join(' ');
  const server = dash === -1 ? [] : argv.slice(dash + 1);
  if (!prompt || server.length === 0) {
    process.stderr.write('usage: npx tsx examples/openai-agent.ts "your question" -- <MCP server command or URL>\n');
    process.exitCode = 2;
    return;
  }
  const target: Target = /^https?:\/\//.test(server[0]!)
    ? { kind: 'http', url: server[0]!, headers: {}, transport: 'auto' }
    : { kind: 'stdio', command: server[0]!, args: server.slice(1), env: {} };
  const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL });
  const result = await runAgent({
    target,
    prompt,
    openai,
    model: process.env.OPENAI_MODEL ?? 'gpt-4.1-mini',
    onText: (text) => void process.stdout.write(text),
  });
  process.stdout.write('\n');
  for (const call of result.toolCalls) process.stderr.write(`called ${call.toolName} ${JSON.stringify(call.arguments)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
