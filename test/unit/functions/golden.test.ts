import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildFunctionTools, type FunctionApi } from '../../../src/functions/build-tools.js';
import type { ToolCatalog } from '../../../src/mcp/catalog.js';
import { OPERATION_ID_PATTERN } from '../../../src/openapi/naming.js';
import { buildSpec } from '../../../src/openapi/build-spec.js';
import { strictViolations } from './strict-check.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = ['demo', 'server-everything', 'server-filesystem', 'server-memory', 'draft07', 'odd-names', 'unions', 'recursive', 'pydantic-defs', 'free-form', 'external-ref', 'functions-edge'];
const catalog = (name: string) => JSON.parse(readFileSync(`${root}fixtures/tools/${name}.json`, 'utf8')) as ToolCatalog;
const cases = fixtures.flatMap((f) => (['chat', 'responses'] as FunctionApi[]).flatMap((api) => [false, true].map((strict) => [f, api, strict] as const)));

type Def = { name: string; parameters: Record<string, unknown>; strict?: boolean; description?: string };
const definitionOf = (tool: Record<string, unknown>): Def => (tool.function ?? tool) as Def;

describe('golden function tools', () => {
  it.each(cases)('%s, %s, strict=%s', async (fixture, api, strict) => {
    const input = catalog(fixture);
    const result = buildFunctionTools(input, { api, strict });
    const text = `${JSON.stringify(result.tools, null, 2)}\n`;
    await expect(text).toMatchFileSnapshot(`${root}fixtures/golden-functions/${fixture}.${api}${strict ? '.strict' : ''}.json`);
    // byte-identical on a second run
    expect(JSON.stringify(buildFunctionTools(input, { api, strict }).tools, null, 2) + '\n').toBe(text);

    // every tool, task-only ones too (the library's callTool runs them as MCP tasks)
    expect(result.tools).toHaveLength(input.tools.length);
    expect(result.notes).not.toContainEqual(expect.objectContaining({ code: 'task-required' }));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const tool of result.tools as unknown as Array<Record<string, unknown>>) {
      expect(tool.type).toBe('function');
      const def = definitionOf(tool);
      expect(def.name).toMatch(OPERATION_ID_PATTERN);
      expect(result.nameMap[def.name]).toBeDefined();
      expect(def.parameters.type).toBe('object');
      if (api === 'responses') expect(typeof tool.strict).toBe('boolean');
      if (api === 'chat') expect(tool).not.toHaveProperty('name');
      if (def.strict === true) expect(strictViolations(def.parameters)).toEqual([]);
      if (!strict) expect(def.strict ?? false).toBe(false);
      // every parameters schema compiles as JSON Schema
      expect(() => ajv.compile(def.parameters)).not.toThrow();
    }
    // the name map routes every function back to a distinct MCP tool of the catalog
    expect(Object.values(result.nameMap).sort()).toEqual(input.tools.map((t) => t.name).sort());
  });

  it('strict edge cases: the map tool falls back, the others convert', () => {
    const { tools, nameMap, notes } = buildFunctionTools(catalog('functions-edge'), { api: 'responses', strict: true });
    const byTool = Object.fromEntries((tools as unknown as Def[]).map((t) => [nameMap[t.name], t]));
    expect(byTool.map_tags!.strict).toBe(false);
    expect(byTool['notes.search']!.strict).toBe(true);
    expect(notes).toContainEqual(expect.objectContaining({ tool: 'map_tags', level: 'warning', code: 'strict-fallback' }));
    const long = tools.find((t) => nameMap[(t as Def).name]!.startsWith('schedule_')) as Def;
    expect(long.name.length).toBeLessThanOrEqual(64);
    expect(long.strict).toBe(true);
    expect(notes.filter((n) => n.tool?.startsWith('schedule_')).map((n) => n.code)).toEqual(
      expect.arrayContaining(['strict-allof-merged', 'strict-keyword-dropped', 'strict-keyword-hinted']),
    );
  });

  it.each(fixtures)('%s: function names are exactly the operationIds of the OpenAPI spec', (fixture) => {
    const input = catalog(fixture);
    const { operations } = buildSpec(input, { serverUrl: 'https://api.example.com', profile: 'generic' });
    const { nameMap } = buildFunctionTools(input, { api: 'chat' });
    const fromSpec = Object.fromEntries(operations.filter((o) => o.kind === 'tool').map((o) => [o.operationId, o.toolName]));
    expect(nameMap).toEqual(fromSpec);
  });
});
