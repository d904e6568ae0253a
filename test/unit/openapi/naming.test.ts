import { describe, expect, it } from 'vitest';
import { mapToolNames, OPERATION_ID_PATTERN, sanitizeName, shortHash } from '../../../src/openapi/naming.js';

describe('sanitizeName', () => {
  const table: Array<[string, { given: string; prefix?: string; want: string }]> = [
    ['a valid name maps to itself', { given: 'get_forecast', want: 'get_forecast' }],
    ['hyphens are kept', { given: 'get-sum', want: 'get-sum' }],
    ['a valid name with a double underscore maps to itself', { given: 'get__user', want: 'get__user' }],
    ['__proto__ is a valid id and maps to itself', { given: '__proto__', want: '__proto__' }],
    ['dots become underscores', { given: 'github.create_issue', want: 'github_create_issue' }],
    ['slashes become underscores, runs collapse', { given: 'fs//read file', want: 'fs_read_file' }],
    ['accents are dropped', { given: 'café.menü', want: 'cafe_menu' }],
    ['leading and trailing separators are trimmed', { given: '.hidden.', want: 'hidden' }],
    ['a name with nothing usable gets a hash', { given: '日本語', want: `tool_${shortHash('日本語')}` }],
    ['a prefix is prepended', { given: 'echo', prefix: 'everything_', want: 'everything_echo' }],
    ['a prefix with an invalid name', { given: 'a.b', prefix: 'srv_', want: 'srv_a_b' }],
  ];
  it.each(table)('%s', (_, { given, prefix, want }) => {
    expect(sanitizeName(given, prefix)).toBe(want);
  });

  it('cuts names over 64 characters and keeps them distinct with a hash', () => {
    const long = 'x'.repeat(128);
    const id = sanitizeName(long);
    expect(id).toMatch(OPERATION_ID_PATTERN);
    expect(id).toHaveLength(64);
    expect(id.endsWith(`_${shortHash(long)}`)).toBe(true);
    expect(sanitizeName(`${long}y`)).not.toBe(id);
  });
});

describe('mapToolNames', () => {
  it('keeps the valid name and hashes the one that collides with it, whatever the input order', () => {
    for (const names of [['a.b', 'a_b'], ['a_b', 'a.b']]) {
      const m = mapToolNames(names);
      expect(m.ids.get('a_b')).toBe('a_b');
      expect(m.ids.get('a.b')).toBe(`a_b_${shortHash('a.b')}`);
      expect(m.tools.get('a_b')).toBe('a_b');
      expect(m.notes.some((n) => n.includes('collides'))).toBe(true);
    }
  });

  it('gives every name of a collision group a distinct valid id', () => {
    const names = ['a.b', 'a/b', 'a b', 'a-b', 'a_b'];
    const m = mapToolNames(names);
    const ids = [...m.ids.values()];
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id).toMatch(OPERATION_ID_PATTERN);
    for (const name of names) expect(m.tools.get(m.ids.get(name)!)).toBe(name);
  });

  it('is stable: adding an unrelated tool changes no existing id', () => {
    const before = mapToolNames(['x.y', 'search', 'fetch']);
    const after = mapToolNames(['x.y', 'search', 'fetch', 'zeta.new']);
    for (const [name, id] of before.ids) expect(after.ids.get(name)).toBe(id);
  });
});
