/**
 * The tool lists of published servers (fixtures/tools/SOURCES.md), the shapes strict mode cannot say included:
 * Notion page properties, Helm values and kubectl patches, HubSpot property maps, MongoDB filters and pipelines,
 * Elasticsearch query bodies, Azure `parameters`, server-gitlab's type-less schemas. Every tool becomes strict,
 * and OpenAI's own `toStrictJsonSchema` (openai/lib/transform, what the openai package applies to the schemas it
 * sends) accepts every definition unchanged: it neither throws nor rewrites a thing.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { toStrictJsonSchema } from 'openai/lib/transform';
import { describe, expect, it } from 'vitest';
import { buildFunctionTools, type FunctionApi } from '../../../src/functions/build-tools.js';
import type { ToolCatalog } from '../../../src/mcp/catalog.js';
import { REAL_SERVERS } from '../../helpers/real-servers.js';
import { strictViolations } from './strict-check.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const catalog = (name: string) => JSON.parse(readFileSync(`${root}fixtures/tools/${name}.json`, 'utf8')) as ToolCatalog;

/** The hand-made fixtures of the golden tests, for OpenAI's check too. */
const HAND_MADE = ['demo', 'server-everything', 'server-filesystem', 'server-memory', 'draft07', 'odd-names', 'unions', 'recursive', 'pydantic-defs', 'free-form', 'external-ref', 'functions-edge', 'zod-refs', 'long-description', 'forty-tools'];

type Def = { name: string; parameters: Record<string, unknown>; strict?: boolean };
const definitions = (name: string, api: FunctionApi) => {
  const result = buildFunctionTools(catalog(name), { api, strict: true });
  return { ...result, defs: (result.tools as unknown as Array<Def & { function?: Def }>).map((t) => t.function ?? t) };
};

describe('published servers in strict mode', () => {
  it.each(REAL_SERVERS)('%s: all %i tools strict, %i with encoded arguments', (name, count, withEncoding) => {
    const { defs, encoded, notes } = definitions(name, 'chat');
    expect(defs).toHaveLength(count);
    expect(defs.filter((d) => d.strict !== true).map((d) => d.name)).toEqual([]);
    expect(Object.keys(encoded)).toHaveLength(withEncoding);
    expect(notes.filter((n) => n.level === 'error' || n.code === 'strict-fallback')).toEqual([]);
    for (const d of defs) expect(strictViolations(d.parameters), d.name).toEqual([]);
    // deterministic, the codecs included
    const again = buildFunctionTools(catalog(name), { api: 'chat', strict: true });
    expect(JSON.stringify([again.tools, again.encoded, again.notes])).toBe(JSON.stringify([buildFunctionTools(catalog(name), { api: 'chat', strict: true }).tools, encoded, notes]));
  });
});

describe("OpenAI's toStrictJsonSchema accepts every strict definition unchanged", () => {
  it.each([...REAL_SERVERS.map(([n]) => n), ...HAND_MADE])('%s', (name) => {
    for (const api of ['chat', 'responses'] as const) {
      const { defs } = definitions(name, api);
      for (const d of defs) {
        expect(d.strict, d.name).toBe(true);
        let out: unknown;
        expect(() => (out = toStrictJsonSchema(d.parameters as Parameters<typeof toStrictJsonSchema>[0])), d.name).not.toThrow();
        expect(isDeepStrictEqual(out, d.parameters), `${name}: ${d.name} was changed by toStrictJsonSchema`).toBe(true);
      }
    }
  });
});

/** JSON pointer → node, or undefined. */
function at(root: unknown, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

/** Where a codec says values are encoded, as pointers in the notes' convention (pair values under additionalProperties). */
function encodedPointers(codec: Record<string, unknown>, base: string, out: Map<string, string>): void {
  if (codec.as !== undefined) out.set(base, codec.as as string);
  const properties = (codec.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(properties)) encodedPointers(v, `${base}/properties/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  if (codec.items) encodedPointers(codec.items as Record<string, unknown>, `${base}/items`, out);
  if (codec.value) encodedPointers(codec.value as Record<string, unknown>, `${base}/additionalProperties`, out);
  const extra = codec.extra as Record<string, unknown> | undefined;
  if (extra) {
    out.set(`${base}/properties/${extra.field as string}`, extra.as as string);
    if (extra.value) encodedPointers(extra.value as Record<string, unknown>, `${base}/properties/${extra.field as string}/additionalProperties`, out);
  }
  for (const [ref, def] of Object.entries((codec.defs ?? {}) as Record<string, Record<string, unknown>>)) encodedPointers(def, ref, out);
}

describe('the notes describe the definitions that were printed', () => {
  it.each(REAL_SERVERS.map(([n]) => n))('%s', (name) => {
    const { defs, encoded, nameMap, notes } = definitions(name, 'chat');
    let checked = 0;
    for (const d of defs) {
      const tool = nameMap[d.name]!;
      const own = notes.filter((n) => n.tool === tool);
      // "sent as …" notes ⇔ the codec, one for one
      const claimed = new Map<string, string>();
      for (const n of own.filter((x) => x.code === 'strict-encoded')) {
        const [pointer, rest] = [n.message.slice(0, n.message.indexOf(': ')), n.message.slice(n.message.indexOf(': ') + 2)];
        claimed.set(pointer, rest.includes('key/value pairs') ? 'entries' : 'json');
      }
      const fromCodec = new Map<string, string>();
      if (Object.hasOwn(encoded, d.name)) encodedPointers(encoded[d.name] as unknown as Record<string, unknown>, '#', fromCodec);
      expect(claimed, `${name} ${tool}`).toEqual(fromCodec);
      // … and the definition asks for what they say
      for (const [pointer, how] of claimed) {
        if (pointer.includes('/additionalProperties')) continue; // a pair's value: under items.properties.value in the definition
        const node = at(d.parameters, pointer);
        const types = ([] as unknown[]).concat(node?.type);
        expect(types, `${name} ${tool} ${pointer}`).toContain(how === 'json' ? 'string' : 'array');
        checked++;
      }
      // a keyword said to be dropped or moved into the description is not in the definition
      for (const n of own.filter((x) => x.code === 'strict-keyword-dropped' || x.code === 'strict-keyword-hinted')) {
        const m = /^(#[^:]*): "([^"]+)"/.exec(n.message);
        if (!m) continue;
        const node = at(d.parameters, m[1]!);
        if (node === undefined) continue; // inside a value sent as JSON, or merged away by allOf
        expect(Object.keys(node), `${name} ${tool} ${n.message}`).not.toContain(m[2]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('a tool that falls back to strict: false gets the errors that explain it, not notes about a schema it did not get', () => {
    let deep: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } }, required: ['leaf'] };
    for (let i = 0; i < 11; i++) deep = { type: 'object', properties: { child: deep }, required: ['child'] };
    const inputSchema = { ...deep, properties: { ...(deep.properties as object), tags: { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, additionalProperties: true } } };
    const result = buildFunctionTools({ server: { name: 's', version: '1' }, tools: [{ name: 'deep', inputSchema }] }, { api: 'chat', strict: true });
    const def = result.tools[0]!.function;
    expect(def.strict).toBe(false);
    expect(result.notes.map((n) => `${n.level} ${n.code}`)).toEqual(['error strict-limit-depth', 'warning strict-fallback']);
    // the emitted schema is the tool's own: its free-form map and propertyNames are there, as no note says otherwise
    expect((def.parameters.properties as Record<string, unknown>).tags).toEqual({ type: 'object', propertyNames: { pattern: '^[a-z]+$' }, additionalProperties: true });
    expect(result.encoded).toEqual({});
  });
});
