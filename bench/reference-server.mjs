#!/usr/bin/env node
/**
 * The reference front: the practical limit of any HTTP front for an MCP server. A raw node:http server that
 * forwards `POST /tools/{name}` (JSON body = arguments) as `tools/call` through ONE SDK client over stdio, and
 * answers `{"result": "<text>"}`. No validation, no auth, no logging, no limits: do not deploy this.
 *
 * Usage: node bench/reference-server.mjs [--port N] -- <command> [args...]
 * Prints `listening http://127.0.0.1:PORT` on stdout once the upstream is connected.
 */
import { createServer } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const portFlag = argv.indexOf('--port');
const port = portFlag >= 0 && portFlag < dashes ? Number(argv[portFlag + 1]) : 0;
const [command, ...args] = dashes >= 0 ? argv.slice(dashes + 1) : [];
if (!command) {
  process.stderr.write('usage: node bench/reference-server.mjs [--port N] -- <command> [args...]\n');
  process.exit(2);
}

const transport = new StdioClientTransport({ command, args, stderr: 'ignore' });
const client = new Client({ name: 'mcp-actions-bench-reference', version: '0' }, { capabilities: {} });
await client.connect(transport);

/** @param {import('node:http').ServerResponse} res */
function answer(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.startsWith('/tools/')) return answer(res, 404, { error: 'not found' });
  const name = req.url.slice('/tools/'.length);
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let params;
    try {
      params = { name, arguments: chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {} };
    } catch {
      return answer(res, 400, { error: 'body is not JSON' });
    }
    client.callTool(params).then(
      (result) => {
        const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text);
        answer(res, result.isError ? 422 : 200, { result: text.join('\n') });
      },
      (error) => answer(res, 502, { error: String(error?.message ?? error) }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  client.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
