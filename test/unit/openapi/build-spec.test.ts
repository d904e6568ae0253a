import { describe, expect, it } from 'vitest';
import { ProblemsFoundError, UsageError } from '../../../src/errors.js';
import type { CatalogTool, ToolCatalog } from '../../../src/mcp/catalog.js';
import { buildSpec } from '../../../src/openapi/build-spec.js';
import { serializeSpec } from '../../../src/openapi/serialize.js';
import { parse as parseYaml } from 'yaml';
import { gptImportProblems } from '../../helpers/gpt-import-rules.js';

const tool = (name: string, extra: Partial<CatalogTool> = {}): CatalogTool => ({ name, inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, ...extra });
const catalog = (tools: CatalogTool[], server: Partial<ToolCatalog['server']> = {}): ToolCatalog => ({ server: { name: 'srv', version: '1.0.0', ...server }, tools });
const url = 'https://api.example.com';
const op = (spec: any, id: string) => spec.paths[`/tools/${id}`].post;

describe('buildSpec', () => {
  it('one POST /tools/{operationId} per tool with operationId, x-mcp-tool and bindings', () => {
    const { spec, operations } = buildSpec(catalog([tool('b.two'), tool('a_one')]), { serverUrl: url, jobs: false });
    expect(Object.keys(spec.paths!)).toEqual(['/tools/a_one', '/tools/b_two']);
    expect(op(spec, 'b_two')).toMatchObject({ operationId: 'b_two', 'x-mcp-tool': 'b.two' });
    expect(operations).toEqual([
      { kind: 'tool', toolName: 'a_one', operationId: 'a_one', path: '/tools/a_one' },
      { kind: 'tool', toolName: 'b.two', operationId: 'b_two', path: '/tools/b_two' },
    ]);
  });

  it('tags namespaced tools that share a namespace, and only those', () => {
    const { spec } = buildSpec(catalog([tool('gh.issues'), tool('gh.pulls'), tool('plain')]), { serverUrl: url });
    expect([op(spec, 'gh_issues').tags, op(spec, 'gh_pulls').tags, op(spec, 'plain').tags]).toEqual([['gh'], ['gh'], undefined]);
  });

  it('summary from title, then annotations.title, then name', () => {
    const { spec } = buildSpec(catalog([tool('a', { title: 'Title A', annotations: { title: 'Ann A' } }), tool('b', { annotations: { title: 'Ann B' } }), tool('c')]), { serverUrl: url });
    expect([op(spec, 'a').summary, op(spec, 'b').summary, op(spec, 'c').summary]).toEqual(['Title A', 'Ann B', 'c']);
  });

  it.each([
    ['annotations', { ro: false, rw: true, plain: true }],
    ['all', { ro: true, rw: true, plain: true }],
    ['none', { ro: false, rw: false, plain: false }],
  ] as const)('x-openai-isConsequential with --consequential %s', (mode, want) => {
    const tools = [tool('ro', { annotations: { readOnlyHint: true } }), tool('rw', { annotations: { readOnlyHint: false, destructiveHint: false } }), tool('plain')];
    const { spec } = buildSpec(catalog(tools), { serverUrl: url, consequential: mode });
    expect({ ro: op(spec, 'ro')['x-openai-isConsequential'], rw: op(spec, 'rw')['x-openai-isConsequential'], plain: op(spec, 'plain')['x-openai-isConsequential'] }).toEqual(want);
  });

  it('200 is the outputSchema when there is one, else ToolResult; errors reference Error; 401 only with auth', () => {
    const tools = [tool('out', { outputSchema: { type: 'object', properties: { n: { type: 'integer' } } } }), tool('text')];
    const open = buildSpec(catalog(tools), { serverUrl: url }).spec;
    expect(op(open, 'out').responses['200'].content['application/json'].schema).toEqual({ type: 'object', properties: { n: { type: 'integer' } } });
    expect(op(open, 'text').responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ToolResult' });
    // every status the adapter answers on an operation (DESIGN.md's table), 405 aside (another method)
    expect(Object.keys(op(open, 'text').responses)).toEqual(['200', '202', '400', '404', '413', '415', '422', '429', '502', '503', '504']);
    expect(op(open, 'text').responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Job' });
    expect(Object.keys(op(open, 'text').responses['202'].headers)).toEqual(['Location', 'Retry-After']);
    expect(Object.keys(op(buildSpec(catalog(tools), { serverUrl: url, jobs: false }).spec, 'text').responses)).not.toContain('202');
    for (const status of ['400', '404', '413', '415', '422', '429', '502', '503', '504']) {
      expect(op(open, 'text').responses[status].content['application/json'].schema, status).toEqual({ $ref: '#/components/schemas/Error' });
      const headers = op(open, 'text').responses[status].headers;
      if (status === '429' || status === '503') expect(headers['Retry-After'].schema).toEqual({ type: 'integer', minimum: 0 });
      else expect(headers, status).toBeUndefined();
    }
    const closed = buildSpec(catalog(tools), { serverUrl: url, auth: { type: 'bearer' } }).spec;
    expect(Object.keys(op(closed, 'text').responses)).toContain('401');
  });

  it('components.schemas always exists, even without tools', () => {
    const { spec } = buildSpec(catalog([]), { serverUrl: url, jobs: false });
    expect(Object.keys(spec.components!.schemas!)).toEqual(['Error', 'ToolResult']);
    expect(spec.paths).toEqual({});
    expect(Object.keys(buildSpec(catalog([]), { serverUrl: url }).spec.components!.schemas!)).toEqual(['Error', 'Job', 'ToolResult']);
  });

  it('info: title, description and version = server version + hash of the tools', () => {
    const a = buildSpec(catalog([tool('a')], { title: 'Nice', instructions: 'Use it.' }), { serverUrl: url }).spec;
    expect(a.info.title).toBe('Nice');
    expect(a.info.description).toBe('Use it.');
    expect(a.info.version).toMatch(/^1\.0\.0\+[0-9a-f]{8}$/);
    const b = buildSpec(catalog([tool('a', { description: 'changed' })], { title: 'Nice' }), { serverUrl: url }).spec;
    expect(b.info.version).not.toBe(a.info.version);
    const c = buildSpec(catalog([tool('a')], { title: 'Nice', instructions: 'other' }), { serverUrl: url, auth: { type: 'basic' } }).spec;
    expect(c.info.version).toBe(a.info.version);
  });

  it('records the options (no secrets, no timestamps) under info.x-mcp-actions', () => {
    const { spec } = buildSpec(catalog([tool('a')]), { serverUrl: url, auth: { type: 'api-key' }, include: ['a*'], failOnShorten: false, base: { externalDocs: { url: 'https://d.example.com' } } });
    expect(spec.info['x-mcp-actions']).toEqual({
      options: { serverUrl: url, profile: 'gpt-actions', auth: { type: 'api-key', apiKeyHeader: 'X-API-Key' }, consequential: 'annotations', include: ['a*'], overflow: 'error', openapiVersion: '3.1', jobs: true, files: 'auto' },
    });
  });

  it('regenerating from the recorded options gives the same bytes', () => {
    const cat = catalog([tool('a'), tool('b', { annotations: { readOnlyHint: true } })]);
    const first = buildSpec(cat, { serverUrl: url, consequential: 'all', auth: { type: 'bearer' } }).spec;
    const again = buildSpec(cat, first.info['x-mcp-actions'].options).spec;
    expect(serializeSpec(again, 'yaml')).toBe(serializeSpec(first, 'yaml'));
  });

  it('is independent of the order of the tools', () => {
    const tools = [tool('b'), tool('a', { inputSchema: { type: 'object', $defs: { X: { type: 'string' } }, properties: { x: { $ref: '#/$defs/X' } } } }), tool('c')];
    const one = serializeSpec(buildSpec(catalog(tools), { serverUrl: url }).spec, 'json');
    const two = serializeSpec(buildSpec(catalog([...tools].reverse()), { serverUrl: url }).spec, 'json');
    expect(two).toBe(one);
  });

  it('shortens texts over ChatGPT\'s limits with notes; --fail-on-shorten makes them an error', () => {
    const long = tool('long', { description: 'Word '.repeat(100), inputSchema: { type: 'object', properties: { p: { type: 'string', description: 'Sentence. '.repeat(100) } } } });
    const { spec, notes } = buildSpec(catalog([long]), { serverUrl: url });
    expect(op(spec, 'long').description.length).toBeLessThanOrEqual(300);
    expect(op(spec, 'long').requestBody.content['application/json'].schema.properties.p.description.length).toBeLessThanOrEqual(700);
    expect(notes.filter((n) => n.code === 'shortened').map((n) => n.message)).toEqual([
      'the description of p in the input schema shortened from 1000 to 699 characters (ChatGPT allows 700)',
      'the description shortened from 499 to 300 characters (ChatGPT allows 300)',
    ]);
    expect(() => buildSpec(catalog([long]), { serverUrl: url, failOnShorten: true })).toThrow(ProblemsFoundError);
    // the generic profile keeps texts whole
    expect(op(buildSpec(catalog([long]), { serverUrl: url, profile: 'generic' }).spec, 'long').description).toBe('Word '.repeat(100).trim());
  });

  it('a bad server URL under the GPT profile is a usage error (exit 2)', () => {
    expect(() => buildSpec(catalog([tool('a')]), { serverUrl: 'http://localhost:3000' })).toThrow(UsageError);
    expect(buildSpec(catalog([tool('a')]), { serverUrl: 'http://localhost:3000', profile: 'generic' }).spec.servers).toEqual([{ url: 'http://localhost:3000' }]);
  });

  it('> 30 tools: ProblemsFoundError; --overflow generic: 29 operations + call_tool', () => {
    const tools = Array.from({ length: 31 }, (_, i) => tool(`t${String(i).padStart(2, '0')}`, i === 30 ? { annotations: { readOnlyHint: true } } : {}));
    expect(() => buildSpec(catalog(tools), { serverUrl: url, jobs: false })).toThrow(/31 tools.*at most 30/);
    const { spec, operations } = buildSpec(catalog(tools), { serverUrl: url, overflow: 'generic', jobs: false });
    expect(operations).toHaveLength(30);
    expect(operations.at(-1)).toEqual({ kind: 'generic', operationId: 'call_tool', path: '/tools/call_tool' });
    const generic = op(spec, 'call_tool');
    expect(generic.requestBody.content['application/json'].schema.properties.name.enum).toEqual(['t29', 't30']);
    expect(generic['x-openai-isConsequential']).toBe(true);
    expect(gptImportProblems(spec)).toEqual([]);
    // the generic profile has no operation limit
    expect(buildSpec(catalog(tools), { serverUrl: url, profile: 'generic', jobs: false }).operations).toHaveLength(31);
  });

  it('the generic operation never takes a tool\'s id', () => {
    const tools = Array.from({ length: 31 }, (_, i) => tool(i === 0 ? 'call_tool' : `t${String(i).padStart(2, '0')}`));
    const { operations } = buildSpec(catalog(tools), { serverUrl: url, overflow: 'generic' });
    expect(operations.find((o) => o.kind === 'generic')!.operationId).toBe('call_tool_2');
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(30);
  });

  it('jobs (the default): get_job at GET /jobs/{id}, counted in the 30 operations, never taking a tool\'s id', () => {
    const tools = Array.from({ length: 31 }, (_, i) => tool(`t${String(i).padStart(2, '0')}`));
    expect(() => buildSpec(catalog(tools.slice(0, 30)), { serverUrl: url })).toThrow('the server has 30 tools, but ChatGPT accepts at most 29 operations for tools (30 per action, less get_job)');
    const { spec, operations } = buildSpec(catalog(tools), { serverUrl: url, overflow: 'generic' });
    expect(operations).toHaveLength(30);
    expect(operations.slice(-2)).toEqual([
      { kind: 'generic', operationId: 'call_tool', path: '/tools/call_tool' },
      { kind: 'job', operationId: 'get_job', path: '/jobs/{id}' },
    ]);
    const job = spec.paths!['/jobs/{id}']!.get!;
    expect(job).toMatchObject({ operationId: 'get_job', 'x-openai-isConsequential': false, parameters: [{ name: 'id', in: 'path', required: true }] });
    expect(Object.keys(job.responses!)).toEqual(['200', '202', '404', '422', '429', '502', '503', '504']);
    expect(op(spec, 'call_tool').responses['202']).toBeDefined();
    expect(gptImportProblems(spec)).toEqual([]);
    const taken = buildSpec(catalog([tool('get_job')]), { serverUrl: url }).operations;
    expect(taken.map((o) => o.operationId)).toEqual(['get_job', 'get_job_2']);
    // with auth, get_job documents 401 too
    expect(buildSpec(catalog([tool('a')]), { serverUrl: url, auth: { type: 'bearer' } }).spec.paths!['/jobs/{id}']!.get!.responses!['401']).toBeDefined();
  });

  it('files: the GPT profile documents openaiFileResponse in ToolResult; --files none and the generic profile do not', () => {
    const schemas = (o: object) => buildSpec(catalog([tool('a')]), { serverUrl: url, ...o }).spec.components!.schemas! as Record<string, { properties: Record<string, unknown> }>;
    expect(schemas({}).ToolResult!.properties.openaiFileResponse).toMatchObject({ type: 'array', maxItems: 10 });
    expect(schemas({ files: 'none' }).ToolResult!.properties.openaiFileResponse).toBeUndefined();
    expect(schemas({ profile: 'generic' }).ToolResult!.properties.openaiFileResponse).toBeUndefined();
  });

  it('exactly one security scheme, applied globally', () => {
    const { spec } = buildSpec(catalog([tool('a')]), { serverUrl: url, auth: { type: 'api-key', apiKeyHeader: 'X-Key' } });
    expect(spec.components!.securitySchemes).toEqual({ apiKey: { type: 'apiKey', in: 'header', name: 'X-Key' } });
    expect(spec.security).toEqual([{ apiKey: [] }]);
    const none = buildSpec(catalog([tool('a')]), { serverUrl: url }).spec;
    expect(none.security).toBeUndefined();
    expect(none.components!.securitySchemes).toBeUndefined();
  });

  it('--openapi 3.0 emits 3.0.3', () => {
    const { spec, notes } = buildSpec(catalog([tool('a', { inputSchema: { type: 'object', properties: { n: { type: ['integer', 'null'], const: 1 } } } })]), { serverUrl: url, openapiVersion: '3.0' });
    expect(spec.openapi).toBe('3.0.3');
    expect(op(spec, 'a').requestBody.content['application/json'].schema.properties.n).toEqual({ nullable: true, type: 'integer', enum: [1] });
    expect(notes.map((n) => n.code)).toContain('openapi-3.0');
  });

  it('never mutates the catalog', () => {
    const cat = catalog([tool('a', { inputSchema: { type: 'object', definitions: { A: { type: 'object' } }, properties: { a: { $ref: '#/definitions/A' } } } })]);
    const copy = structuredClone(cat);
    buildSpec(cat, { serverUrl: url, openapiVersion: '3.0' });
    expect(cat).toEqual(copy);
  });

  it('keeps a property named __proto__ through every stage and both formats', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string","minLength":2}},"required":["__proto__"]}');
    for (const openapiVersion of ['3.1', '3.0'] as const) {
      const { spec } = buildSpec(catalog([tool('p', { inputSchema: schema })]), { serverUrl: url, openapiVersion });
      for (const format of ['yaml', 'json'] as const) {
        const text = serializeSpec(spec, format);
        const parsed = format === 'json' ? JSON.parse(text) : parseYaml(text);
        const props = op(parsed, 'p').requestBody.content['application/json'].schema.properties;
        expect(Object.hasOwn(props, '__proto__'), `${openapiVersion} ${format}`).toBe(true);
        expect(props['__proto__']).toEqual({ type: 'string', minLength: 2 });
      }
    }
  });
});
