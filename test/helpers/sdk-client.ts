/**
 * A client made with the MCP SDK itself (its Client and transports), independent of src/mcp: parity tests
 * compare what the adapter answers with what this reference client gets from the same server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Target } from '../../src/mcp/target.js';

export interface SdkConnection {
  client: Client;
  close(): Promise<void>;
}

export async function connectSdk(target: Target, timeoutMs = 20_000): Promise<SdkConnection> {
  const client = new Client({ name: 'mcp-actions-test', version: '0' }, { capabilities: {} });
  if (target.kind === 'stdio') {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, target.env);
    await client.connect(new StdioClientTransport({ command: target.command, args: target.args, env, cwd: target.cwd, stderr: 'ignore' }), { timeout: timeoutMs });
  } else {
    await client.connect(new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers: target.headers } }), { timeout: timeoutMs });
  }
  return { client, close: () => client.close() };
}
