/** The introspector against in-process servers (InMemoryTransport): paging, raw schemas, key order. */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { McpConnectionError } from '../../../src/errors.js';
import { listAllTools, readCatalog } from '../../../src/mcp/introspect.js';
import type { Connection } from '../../../src/mcp/connect.js';
import type { SessionTransport } from '../../../src/mcp/json-rpc.js';
import { McpSession } from '../../../src/mcp/session.js';

type Pager = (cursor: string | undefined) => ListToolsResult;

async function withServer<T>(pager: Pager, fn: (client: McpSession) => Promise<T>, info = { name: 's', version: '1.0.0' }): Promise<T> {
  const server = new Server(info, { capabilities: { tools: {} }, instructions: 'be nice' });
  server.setRequestHandler(ListToolsRequestSchema, async (req) => pager(req.params?.cursor));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new McpSession(b as unknown as SessionTransport, { name: 't', version: '0' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
    await server.close();
  }
}

const tool = (name: string) => ({ name, inputSchema: { type: 'object' as const } });

describe('listAllTools', () => {
  it('follows nextCursor through every page, in order', async () => {
    const pages: Record<string, ListToolsResult> = {
      first: { tools: [tool('a'), tool('b')], nextCursor: 'c2' },
      c2: { tools: [tool('c')], nextCursor: 'c3' },
      c3: { tools: [], nextCursor: 'c4' }, // an empty page in the middle is legal
      c4: { tools: [tool('d')] },
    };
    const seen: (string | undefined)[] = [];
    const names = await withServer(
      (cursor) => {
        seen.push(cursor);
        return pages[cursor ?? 'first']!;
      },
      async (client) => (await listAllTools(client)).map((t) => t.name),
    );
    expect(names).toEqual(['a', 'b', 'c', 'd']);
    expect(seen).toEqual([undefined, 'c2', 'c3', 'c4']);
  });

  it('an empty-string nextCursor ends the list', async () => {
    const names = await withServer(() => ({ tools: [tool('x')], nextCursor: '' }), async (c) => (await listAllTools(c)).map((t) => t.name));
    expect(names).toEqual(['x']);
  });

  it('a repeated cursor is a pagination error, not a loop', async () => {
    const error = await withServer(
      (cursor) => ({ tools: [tool(`t${cursor ?? 0}`)], nextCursor: cursor === 'B' ? 'A' : cursor === 'A' ? 'B' : 'A' }),
      async (client) => listAllTools(client).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as McpConnectionError).kind).toBe('pagination');
    expect((error as McpConnectionError).message).toBe('tools/list repeated the cursor "A" after 3 pages');
  });

  it('keeps raw schemas as they are ($defs, $ref, unknown keywords) with a stable key order', async () => {
    const raw = {
      annotations: { readOnlyHint: true, openWorldHint: false },
      outputSchema: { type: 'object' as const, properties: { ok: { type: 'boolean' } } },
      inputSchema: {
        type: 'object' as const,
        $defs: { N: { type: 'string', 'x-weird': [1, 2] } },
        properties: { n: { $ref: '#/$defs/N' } },
        additionalProperties: false,
      },
      description: 'd',
      title: 'T',
      name: 'raw',
    };
    const [got] = await withServer(() => ({ tools: [raw] }), (c) => listAllTools(c));
    expect(got).toEqual(raw);
    expect(Object.keys(got!)).toEqual(['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations']);
  });
});

describe('readCatalog', () => {
  it('server info, instructions, capabilities, tools sorted by name', async () => {
    const catalog = await withServer(
      () => ({ tools: [tool('zeta'), tool('Alpha'), tool('beta')] }),
      (client) => readCatalog({ session: client, target: { kind: 'stdio', command: 'x', args: [], env: {} }, transport: 'stdio', stderrTail: () => [], close: async () => {} } satisfies Connection),
      { name: 'srv', version: '2.1.0', title: 'Server' } as { name: string; version: string },
    );
    expect(catalog.server).toEqual({ name: 'srv', version: '2.1.0', title: 'Server', instructions: 'be nice', capabilities: { tools: {} } });
    expect(catalog.tools.map((t) => t.name)).toEqual(['Alpha', 'beta', 'zeta']);
  });
});

describe('listAllTools on malformed answers (checked here, as the SDK schema did)', () => {
  const answering = (result: Record<string, unknown>) => ({ request: async () => result }) as unknown as McpSession;
  it.each([
    ['no tools array', { tools: {} }, 'tools/list answered without a "tools" array'],
    ['an entry without a name', { tools: [{ inputSchema: { type: 'object' } }] }, 'tools/list entry 0 has no string "name"'],
    ['an input schema whose type rules out an object', { tools: [tool('a'), { name: 'b', inputSchema: { type: 'string' } }] }, 'tools/list entry 1 ("b") has an inputSchema of "type": "string", which cannot describe a JSON object (what tool arguments and results are)'],
    ['an input schema that is not a JSON object', { tools: [{ name: 'b', inputSchema: 'x' }] }, 'tools/list entry 0 ("b") has an inputSchema that is "x", not a JSON Schema object'],
    ['no input schema', { tools: [{ name: 'b' }] }, 'tools/list entry 0 ("b") has no inputSchema'],
    ['a type that is not a string', { tools: [{ name: 'b', inputSchema: { type: 3 } }] }, 'tools/list entry 0 ("b") has an inputSchema whose "type" is neither a string nor an array of strings'],
    ['an output schema of the wrong type', { tools: [{ ...tool('b'), outputSchema: { type: 'array' } }] }, 'tools/list entry 0 ("b") has an outputSchema of "type": "array"'],
    ['a description that is not a string', { tools: [{ ...tool('a'), description: 5 }] }, 'tools/list entry 0 ("a") has a "description" that is not a string'],
    ['a hint of the wrong type', { tools: [{ ...tool('a'), annotations: { readOnlyHint: 'yes' } }] }, 'tools/list entry 0 ("a") has an annotation "readOnlyHint" of the wrong type'],
    ['an unknown taskSupport', { tools: [{ ...tool('a'), execution: { taskSupport: 'sometimes' } }] }, 'tools/list entry 0 ("a") has an unknown execution.taskSupport'],
    ['a cursor that is not a string', { tools: [], nextCursor: 3 }, 'tools/list answered a "nextCursor" that is not a string'],
  ])('%s', async (_label, result, message) => {
    await expect(listAllTools(answering(result))).rejects.toThrow(message);
  });

  it('keeps a schema without "type" exactly as sent (server-gitlab sends only $schema); a type array with "object" too', async () => {
    const untyped = { name: 'create_issue', inputSchema: { $schema: 'http://json-schema.org/draft-07/schema#' } };
    const nullable = { name: 'b', inputSchema: { type: ['object', 'null'], properties: { q: { type: 'string' } } }, outputSchema: { properties: { ok: { type: 'boolean' } } } };
    expect(await listAllTools(answering({ tools: [untyped, nullable] }))).toEqual([untyped, nullable]);
  });

  it('keeps only the annotation hints and the execution member MCP defines (as the SDK parse did)', async () => {
    const [got] = await listAllTools(answering({ tools: [{ ...tool('a'), annotations: { readOnlyHint: true, vendorHint: 1 }, execution: { taskSupport: 'optional', x: 1 } }] }));
    expect(got).toEqual({ ...tool('a'), annotations: { readOnlyHint: true }, execution: { taskSupport: 'optional' } });
  });
});

describe('readCatalog on an answer it cannot read', () => {
  it('names the tool and the problem, and does not blame a server error', async () => {
    const session = { request: async () => ({ tools: [{ name: 'ok', inputSchema: { $schema: 'x' } }, { name: 'bad', inputSchema: { type: 'string' } }] }) } as unknown as McpSession;
    const connection = { session, target: { kind: 'stdio', command: 'srv', args: [], env: {} }, transport: 'stdio', stderrTail: () => [], close: async () => {} } as unknown as Connection;
    const error = (await readCatalog(connection).catch((e: unknown) => e)) as McpConnectionError;
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error.message).toMatch(/^the tools\/list answer of .*srv.* cannot be read: tools\/list entry 1 \("bad"\) has an inputSchema of "type": "string"/);
    expect(error.hint).toBe('the server answered, but not in the shape MCP defines; report it to the server\'s authors');
    expect(`${error.message} ${error.hint}`).not.toMatch(/answered with an error|check its logs/);
  });
});
