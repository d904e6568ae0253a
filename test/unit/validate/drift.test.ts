/** Drift summary: which tools were added, removed or changed (also through a referenced component). */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { compareWithRegenerated, formatDriftSummary, recordedOptions, summarizeTools } from '../../../src/validate/drift.js';

type Spec = Record<string, any>;

function spec(tools: Record<string, unknown>, schemas: Record<string, unknown> = {}): Spec {
  const paths: Spec = {};
  for (const [name, input] of Object.entries(tools)) {
    paths[`/tools/${name}`] = { post: { operationId: name, 'x-mcp-tool': name, requestBody: { content: { 'application/json': { schema: input } } }, responses: {} } };
  }
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components: { schemas } };
}

describe('summarizeTools', () => {
  it('finds added, removed and changed tools', () => {
    const before = spec({ a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } });
    const after = spec({ a: { type: 'string' }, b: { type: 'integer' }, d: { type: 'string' }, e: { type: 'string' } });
    expect(summarizeTools(before, after)).toEqual({ added: ['d', 'e'], removed: ['c'], changed: ['b'] });
  });

  it('a change inside a referenced component changes the tools that use it, only those', () => {
    const ref = { $ref: '#/components/schemas/In' };
    const before = spec({ a: ref, b: { type: 'string' } }, { In: { type: 'object', properties: { x: { $ref: '#/components/schemas/Deep' } } }, Deep: { type: 'string' } });
    const after = spec({ a: ref, b: { type: 'string' } }, { In: { type: 'object', properties: { x: { $ref: '#/components/schemas/Deep' } } }, Deep: { type: 'number' } });
    expect(summarizeTools(before, after)).toEqual({ added: [], removed: [], changed: ['a'] });
  });
});

describe('formatDriftSummary', () => {
  it.each([
    [{ added: ['x', 'y'], removed: [], changed: ['z'] }, '2 tools added, 1 changed: run `CMD`'],
    [{ added: [], removed: ['x'], changed: [] }, '1 tool removed: run `CMD`'],
    [{ added: ['x'], removed: ['y', 'z'], changed: ['w'] }, '1 tool added, 2 removed, 1 changed: run `CMD`'],
    [{ added: [], removed: [], changed: [] }, 'the spec differs from the regenerated one (no tool changed): run `CMD`'],
  ])('%j', (summary, want) => expect(formatDriftSummary(summary, 'CMD')).toBe(want));
});

describe('compareWithRegenerated', () => {
  it('ignores CRLF line endings and produces a unified diff otherwise', () => {
    const s = spec({ a: { type: 'string' } });
    expect(compareWithRegenerated('f.yaml', { text: 'a: 1\r\nb: 2\r\n', spec: s }, { text: 'a: 1\nb: 2\n', spec: s }).upToDate).toBe(true);
    const r = compareWithRegenerated('f.yaml', { text: 'a: 1\nb: 2\n', spec: s }, { text: 'a: 1\nb: 3\n', spec: s });
    expect(r.upToDate).toBe(false);
    expect(r.patch).toContain('--- f.yaml\n+++ f.yaml (regenerated from the server)\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n');
  });

  it('needs the recorded options', () => {
    expect(() => recordedOptions(spec({}), 'f.yaml')).toThrow(ConfigError);
    expect(recordedOptions({ info: { 'x-mcp-actions': { options: { serverUrl: 'https://x.example.com' } } } }, 'f.yaml')).toEqual({ serverUrl: 'https://x.example.com' });
  });
});
