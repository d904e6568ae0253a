#!/usr/bin/env node
// A stdio MCP server with N numbered tools (N = first argument, default 129): for the 128-tool limit.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const count = Number(process.argv[2] ?? 129);
const tools = Array.from({ length: count }, (_, i) => ({
  name: `tool_${String(i).padStart(3, '0')}`,
  description: `Numbered tool ${i}.`,
  inputSchema: { type: 'object', properties: { x: { type: 'number' } } },
  annotations: { readOnlyHint: i % 2 === 0 },
}));
const server = new Server({ name: 'many-tools', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => ({ content: [{ type: 'text', text: request.params.name }] }));
await server.connect(new StdioServerTransport());
