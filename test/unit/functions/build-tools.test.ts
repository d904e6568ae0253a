import { describe, expect, it } from 'vitest';
import { buildFunctionTools, MAX_FUNCTION_TOOLS } from '../../../src/functions/build-tools.js';
import { formatToolResult } from '../../../src/functions/tool-result.js';
import { restoreArguments, toMcpCall } from '../../../src/functions/route-call.js';
import { buildResponsesMcpTool } from '../../../src/functions/responses-mcp.js';
import { ConfigError, ProblemsFoundError, UsageError } from '../../../src/errors.js';
import type { CatalogTool, ToolCatalog } from '../../../src/mcp/catalog.js';

const tool = (name: string, extra: Partial<CatalogTool> = {}): CatalogTool => ({ name, inputSchema: { type: 'object', properties: {} }, ...extra });
const catalogOf = (tools: CatalogTool[]): ToolCatalog => ({ server: { name: 's', version: '1' }, tools });

describe('buildFunctionTools', () => {
  it('shapes Chat Completions and Responses tools differently', () => {
    const c = catalogOf([tool('a', { description: 'A.' })]);
    expect(buildFunctionTools(c, { api: 'chat' }).tools).toEqual([
      { type: 'function', function: { name: 'a', description: 'A.', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(buildFunctionTools(c, { api: 'responses' }).tools).toEqual([
      { type: 'function', name: 'a', description: 'A.', parameters: { type: 'object', properties: {} }, strict: false },
    ]);
    expect(buildFunctionTools(c, { api: 'chat', strict: true }).tools).toEqual([
      { type: 'function', function: { name: 'a', description: 'A.', parameters: { type: 'object', properties: {}, required: [], additionalProperties: false }, strict: true } },
    ]);
  });

  it('falls back to the title for the description, and omits it when there is none', () => {
    const { tools } = buildFunctionTools(catalogOf([tool('a', { title: 'Do A' }), tool('b', { annotations: { title: 'Do B' } }), tool('c')]), { api: 'responses' });
    expect(tools.map((t) => ('description' in t ? t.description : undefined))).toEqual(['Do A', 'Do B', undefined]);
  });

  it('gives a schema-less tool an empty object and keeps the input untouched', () => {
    const input = catalogOf([{ name: 'x', inputSchema: {} }]);
    const before = structuredClone(input);
    const { tools } = buildFunctionTools(input, { api: 'responses' });
    expect((tools[0] as { parameters: unknown }).parameters).toEqual({ type: 'object', properties: {} });
    expect(input).toEqual(before);
  });

  it('maps names with the one name mapping and routes them back', () => {
    const { tools, nameMap, notes } = buildFunctionTools(catalogOf([tool('notes.search'), tool('notes search'), tool('ok_name')]), { api: 'responses' });
    const names = tools.map((t) => (t as { name: string }).name);
    for (const n of names) expect(n).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(new Set(names).size).toBe(3);
    expect(Object.keys(nameMap).sort()).toEqual([...names].sort());
    expect(Object.values(nameMap).sort()).toEqual(['notes search', 'notes.search', 'ok_name']);
    expect(nameMap.ok_name).toBe('ok_name');
    expect(notes.filter((n) => n.code === 'name-mapped').length).toBeGreaterThanOrEqual(2);
  });

  it('applies --include and --exclude globs', () => {
    const c = catalogOf([tool('get_a'), tool('get_b'), tool('set_a')]);
    const names = (o: { include?: string[]; exclude?: string[] }) => Object.values(buildFunctionTools(c, { api: 'chat', ...o }).nameMap);
    expect(names({ include: ['get_*'] })).toEqual(['get_a', 'get_b']);
    expect(names({ exclude: ['*_a'] })).toEqual(['get_b']);
    expect(names({ include: ['get_*', 'set_*'], exclude: ['get_b'] })).toEqual(['get_a', 'set_a']);
    expect(buildFunctionTools(c, { api: 'chat', include: ['get_*', 'nope'] }).notes).toContainEqual(expect.objectContaining({ level: 'warning', code: 'pattern-unmatched' }));
    expect(() => buildFunctionTools(c, { api: 'chat', include: ['nope'] })).toThrow(ProblemsFoundError);
  });

  it(`accepts ${MAX_FUNCTION_TOOLS} tools and refuses ${MAX_FUNCTION_TOOLS + 1}, naming the way out`, () => {
    const many = (n: number) => catalogOf(Array.from({ length: n }, (_, i) => tool(`t${String(i).padStart(3, '0')}`)));
    expect(buildFunctionTools(many(128), { api: 'chat' }).tools).toHaveLength(128);
    let error: unknown;
    try {
      buildFunctionTools(many(129), { api: 'chat' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsFoundError);
    expect((error as ProblemsFoundError).exitCode).toBe(1);
    expect(`${(error as Error).message} ${(error as ProblemsFoundError).hint}`).toMatch(/129.*128.*--include.*--exclude/);
    expect(buildFunctionTools(many(129), { api: 'chat', exclude: ['t000'] }).tools).toHaveLength(128);
  });
});

describe('toMcpCall / restoreArguments', () => {
  const schema = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      units: { type: 'string', enum: ['metric', 'imperial'] },
      note: { $ref: '#/$defs/N' },
      maybe: { type: ['string', 'null'] },
      list: { type: 'array', items: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x'] } },
    },
    required: ['city'],
    $defs: { N: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } }, required: ['title'] } },
  };
  const catalog = catalogOf([{ name: 'weather.get', inputSchema: schema }]);

  it('drops the nulls strict mode sends for optional properties, at every level', () => {
    const args = { city: 'Oslo', units: null, maybe: null, note: { title: 't', body: null }, list: [{ x: 1, y: null }] };
    expect(restoreArguments(schema, args)).toEqual({ city: 'Oslo', maybe: null, note: { title: 't' }, list: [{ x: 1 }] });
  });

  it('follows recursive $refs as deep as the value goes', () => {
    const tree = { type: 'object', properties: { root: { $ref: '#/$defs/Node' } }, required: ['root'], $defs: { Node: { type: 'object', properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } }, required: ['label'] } } };
    const args = { root: { label: 'a', children: [{ label: 'b', children: [{ label: 'c', children: null }] }] } };
    expect(restoreArguments(tree, args)).toEqual({ root: { label: 'a', children: [{ label: 'b', children: [{ label: 'c' }] }] } });
  });

  it('looks through allOf and picks the anyOf/oneOf branch that declares the keys', () => {
    const s = {
      type: 'object',
      properties: {
        m: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'string' } } }] },
        c: { oneOf: [{ type: 'object', properties: { tag: { type: 'string' }, limit: { type: 'number' } }, required: ['tag'] }, { type: 'object', properties: { since: { type: 'string' }, until: { type: 'string' } } }] },
      },
      required: ['m', 'c'],
    };
    expect(restoreArguments(s, { m: { a: null, b: null }, c: { since: 'x', until: null } })).toEqual({ m: { a: null }, c: { since: 'x' } });
    expect(restoreArguments(s, { m: { a: 'x' }, c: { tag: 't', limit: null } })).toEqual({ m: { a: 'x' }, c: { tag: 't' } });
  });

  it('a $ref cycle that consumes no value ends', () => {
    const loop = { type: 'object', properties: { x: { $ref: '#/$defs/A' } }, $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } };
    expect(restoreArguments(loop, { x: { y: null } })).toEqual({ x: { y: null } });
  });

  it('keeps a null the tool accepts or requires, and unknown keys', () => {
    expect(restoreArguments(schema, { city: null, maybe: null, extra: null })).toEqual({ city: null, maybe: null, extra: null });
  });

  it('routes by the name map and parses the arguments', () => {
    expect(toMcpCall(catalog, { weather_get: 'weather.get' }, 'weather_get', '{"city":"Oslo","units":null}')).toEqual({ name: 'weather.get', arguments: { city: 'Oslo' } });
    expect(toMcpCall(catalog, { weather_get: 'weather.get' }, 'weather_get', '')).toEqual({ name: 'weather.get', arguments: {} });
  });

  it('rejects unknown functions and malformed arguments with a usage error', () => {
    expect(() => toMcpCall(catalog, { weather_get: 'weather.get' }, 'constructor', '{}')).toThrow(/not one of the tools/);
    expect(() => toMcpCall(catalog, { weather_get: 'weather.get' }, 'weather_get', '{nope')).toThrow(/not JSON/);
    expect(() => toMcpCall(catalog, { weather_get: 'weather.get' }, 'weather_get', '[1]')).toThrow(/not a JSON object/);
  });
});

describe('formatToolResult', () => {
  it.each([
    ['structured content as JSON', { content: [{ type: 'text', text: 'x' }], structuredContent: { a: 1 } }, '{"a":1}'],
    ['text items joined', { content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }, 'one\ntwo'],
    ['images described, never pasted', { content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] }, '[image image/png]'],
    ['resource links described', { content: [{ type: 'resource_link', uri: 'file:///a', name: 'a' }] }, '[resource a file:///a]'],
    ['tool errors prefixed', { isError: true, content: [{ type: 'text', text: 'No note with id 3' }] }, 'Error: No note with id 3'],
  ])('%s', (_name, result, want) => {
    expect(formatToolResult(result)).toBe(want);
  });
});

describe('buildResponsesMcpTool', () => {
  const c = catalogOf([
    tool('read', { annotations: { readOnlyHint: true } }),
    tool('write', { annotations: { readOnlyHint: false } }),
    tool('unknown'),
  ]);

  it('derives require_approval from the read-only hint, in the never/always form', () => {
    expect(buildResponsesMcpTool(c, { serverUrl: 'https://mcp.example.com/mcp', label: 'demo' })).toEqual({
      type: 'mcp',
      server_label: 'demo',
      server_url: 'https://mcp.example.com/mcp',
      allowed_tools: ['read', 'unknown', 'write'],
      require_approval: { never: { tool_names: ['read'] }, always: { tool_names: ['unknown', 'write'] } },
    });
  });

  it('renders headers as placeholders and honours include/exclude', () => {
    const block = buildResponsesMcpTool(c, { serverUrl: 'https://x.example/mcp', label: 'x', headerNames: ['Authorization', 'X-Team'], exclude: ['unknown'] });
    expect(block.headers).toEqual({ Authorization: '<your Authorization>', 'X-Team': '<your X-Team>' });
    expect(Object.keys(block)).toEqual(['type', 'server_label', 'server_url', 'headers', 'allowed_tools', 'require_approval']);
    expect(block.allowed_tools).toEqual(['read', 'write']);
    expect(buildResponsesMcpTool(c, { serverUrl: 'https://x.example/mcp', label: 'x', include: ['read'] }).require_approval).toEqual({ never: { tool_names: ['read'] } });
  });

  it('keeps task-only tools (the same selection as the spec: the adapter and callTool run them as tasks)', () => {
    const withTask = catalogOf([...c.tools, tool('research', { execution: { taskSupport: 'required' } })]);
    const notes: { tool?: string; code: string }[] = [];
    const block = buildResponsesMcpTool(withTask, { serverUrl: 'https://x.example/mcp', label: 'x', onNote: (n) => notes.push(n) });
    expect(block.allowed_tools).toEqual(['read', 'research', 'unknown', 'write']);
    expect(notes).toEqual([]);
    expect(buildFunctionTools(withTask, { api: 'chat' }).nameMap).toHaveProperty('research', 'research');
  });

  it.each([
    ['a bad URL', { serverUrl: 'not a url', label: 'x' }, ConfigError],
    ['a non-http URL', { serverUrl: 'ftp://x.example', label: 'x' }, ConfigError],
    ['credentials in the URL', { serverUrl: 'https://u:p@x.example/mcp', label: 'x' }, ConfigError],
    ['a bad label', { serverUrl: 'https://x.example/mcp', label: 'has space' }, UsageError],
  ])('rejects %s', (_name, options, type) => {
    expect(() => buildResponsesMcpTool(c, options)).toThrow(type);
  });
});

describe('names from the server are data, never object internals', () => {
  it('a tool, a property and an argument called __proto__ stay own properties and route back', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"n":{"type":"number"}}}') as Record<string, unknown>;
    const c = catalogOf([{ name: '__proto__', inputSchema: schema }, tool('constructor')]);
    const { tools, nameMap } = buildFunctionTools(c, { api: 'responses', strict: true });
    expect(Object.values(nameMap).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(nameMap)).toBe(Object.prototype);
    const fn = Object.keys(nameMap).find((k) => nameMap[k] === '__proto__')!;
    const params = tools.find((t) => t.name === fn)!.parameters as { properties: Record<string, unknown>; required: string[] };
    expect(Object.hasOwn(params.properties, '__proto__')).toBe(true);
    expect(params.required).toEqual(['__proto__', 'n']);
    const call = toMcpCall(c, nameMap, fn, '{"__proto__":"x","n":null}');
    expect(call.name).toBe('__proto__');
    expect(Object.hasOwn(call.arguments, '__proto__')).toBe(true);
    expect(call.arguments).not.toHaveProperty('n');
    expect(JSON.stringify(call.arguments)).toBe('{"__proto__":"x"}');
  });

  it('a $ref into the prototype chain resolves to nothing', () => {
    const { notes } = buildFunctionTools(catalogOf([{ name: 't', inputSchema: { type: 'object', properties: { a: { allOf: [{ $ref: '#/__proto__' }] } }, required: ['a'] } }]), { api: 'chat', strict: true });
    expect(notes.some((n) => n.code === 'strict-allof-ref' || n.code === 'unresolved-ref')).toBe(true);
  });
});

