import { describe, expect, it } from 'vitest';
import { ProblemsFoundError } from '../../../src/errors.js';
import type { CatalogTool } from '../../../src/mcp/catalog.js';
import { selectTools } from '../../../src/openapi/select-tools.js';

const tools = (names: string[]): CatalogTool[] => names.map((name) => ({ name, inputSchema: { type: 'object' } }));
const names = (list: CatalogTool[]) => list.map((t) => t.name);

describe('selectTools', () => {
  it.each([
    ['no patterns: everything, sorted', {}, ['b', 'a.x', 'c'], ['a.x', 'b', 'c']],
    ['include', { include: ['read_*'] }, ['read_a', 'write_a', 'read_b'], ['read_a', 'read_b']],
    ['exclude', { exclude: ['*_secret'] }, ['get', 'get_secret'], ['get']],
    ['include then exclude', { include: ['read_*'], exclude: ['read_b'] }, ['read_a', 'read_b', 'x'], ['read_a']],
    ['dots in names', { include: ['github.*'] }, ['github.issue', 'gitlab.issue'], ['github.issue']],
    ['brace sets', { include: ['{a,c}'] }, ['a', 'b', 'c'], ['a', 'c']],
  ])('%s', (_n, opts, given, want) => {
    expect(names(selectTools(tools(given), opts).operations)).toEqual(want);
  });

  it('warns about a pattern that matches nothing', () => {
    const { notes } = selectTools(tools(['a', 'b']), { include: ['a', 'zzz'] });
    expect(notes).toEqual([expect.objectContaining({ code: 'pattern-unmatched', message: '--include "zzz" matches no tool' })]);
  });

  it('fails when the patterns leave no tool', () => {
    expect(() => selectTools(tools(['a']), { include: ['b'] })).toThrow(ProblemsFoundError);
  });

  const forty = tools(Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`));

  it('more than the limit: exit 1 naming --include/--exclude and --overflow generic', () => {
    let error: ProblemsFoundError | undefined;
    try { selectTools(forty, { limit: 30 }); } catch (e) { error = e as ProblemsFoundError; }
    expect(error).toBeInstanceOf(ProblemsFoundError);
    expect(error!.exitCode).toBe(1);
    expect(error!.message).toContain('40 tools');
    expect(error!.hint).toMatch(/--include\/--exclude/);
    expect(error!.hint).toMatch(/--overflow generic/);
  });

  it('overflow generic keeps 29 operations and puts the rest behind call_tool', () => {
    const s = selectTools(forty, { limit: 30, overflow: 'generic' });
    expect(s.operations).toHaveLength(29);
    expect(names(s.overflow)).toEqual(Array.from({ length: 11 }, (_, i) => `t${29 + i}`));
  });

  it('exactly 30 fits', () => {
    expect(selectTools(forty.slice(0, 30), { limit: 30 }).operations).toHaveLength(30);
  });

  it('no limit (generic profile) keeps every tool', () => {
    expect(selectTools(forty, {}).operations).toHaveLength(40);
  });

  it('keeps tools that require MCP tasks (the adapter runs them), with no note', () => {
    const given: CatalogTool[] = [
      { name: 'research', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' } },
      { name: 'maybe', inputSchema: { type: 'object' }, execution: { taskSupport: 'optional' } },
      { name: 'plain', inputSchema: { type: 'object' }, execution: { taskSupport: 'forbidden' } },
      { name: 'old', inputSchema: { type: 'object' } },
    ];
    const s = selectTools(given, {});
    expect(names(s.operations)).toEqual(['maybe', 'old', 'plain', 'research']);
    expect(s.notes).toEqual([]);
    expect(names(selectTools(given, { include: ['research'] }).operations)).toEqual(['research']);
  });

  it('task-only tools count against the limit like any other; the message names get_job when it is reserved', () => {
    const list = [...tools(Array.from({ length: 29 }, (_, i) => `t${String(i).padStart(2, '0')}`)), { name: 'z', inputSchema: { type: 'object' }, execution: { taskSupport: 'required' as const } }];
    expect(selectTools(list, { limit: 30 }).operations).toHaveLength(30);
    expect(() => selectTools(list, { limit: 29, reserved: 1 })).toThrow('the server has 30 tools, but ChatGPT accepts at most 29 operations for tools (30 per action, less get_job)');
  });
});
