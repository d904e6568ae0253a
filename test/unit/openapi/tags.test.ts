import { describe, expect, it } from 'vitest';
import { toolTags } from '../../../src/openapi/tags.js';

const tools = (names: string[]) => names.map((name) => ({ name, inputSchema: {} }));

describe('toolTags', () => {
  it.each([
    ['plain names: no tags', ['get_user', 'list_users'], {}],
    ['a shared namespace', ['github.create_issue', 'github.list_issues', 'slack.post'], { 'github.create_issue': 'github', 'github.list_issues': 'github' }],
    ['slashes and colons', ['fs/read', 'fs/write', 'db:query', 'db:exec'], { 'fs/read': 'fs', 'fs/write': 'fs', 'db:query': 'db', 'db:exec': 'db' }],
    ['a leading separator is no namespace', ['.hidden', '.other'], {}],
  ])('%s', (_n, names, want) => {
    expect(Object.fromEntries(toolTags(tools(names)))).toEqual(want);
  });
});
