/** The docs' example reader: what counts as a command, an output line, a file, a marker. */
import { describe, expect, it } from 'vitest';
import { readDocFiles, readExamples } from './doc-examples.js';

const md = (...lines: string[]) => lines.join('\n');

describe('readExamples', () => {
  it('reads commands, joins continuations, skips comment lines', () => {
    const [e] = readExamples('x.md', md('```sh', '# a comment', 'mcp-actions inspect \\', '  --url http://h/mcp   # trailing', '', 'mcp-actions diff a b', '```'));
    expect(e!.commands.map((c) => c.command)).toEqual(['mcp-actions inspect --url http://h/mcp   # trailing', 'mcp-actions diff a b']);
    expect(e!.exitCode).toBe(0);
    expect(e!.line).toBe(1);
  });

  it('reads a transcript: $ lines are commands, the lines under them their output', () => {
    const [e] = readExamples('x.md', md('```text', '$ mcp-actions inspect -- node s.js', 'NAME  TITLE', 'add', '```', '```text', 'not a transcript', '```'));
    expect(e!.commands).toEqual([{ command: 'mcp-actions inspect -- node s.js', output: ['NAME  TITLE', 'add'] }]);
  });

  it('reads indented blocks inside list items, and their markers', () => {
    const [e] = readExamples('x.md', md('1. step:', '   <!-- example: not run: needs a tunnel -->', '   ```sh', '   cloudflared tunnel', '   ```'));
    expect(e).toMatchObject({ notRun: 'needs a tunnel', commands: [{ command: 'cloudflared tunnel' }] });
  });

  it('reads "exits N"', () => {
    expect(readExamples('x.md', md('<!-- example: exits 1 -->', '```sh', 'false', '```'))[0]!.exitCode).toBe(1);
  });

  it.each([
    ['a "not run" without a reason', md('<!-- example: not run: -->', '```sh', 'x', '```')],
    ['an unknown marker', md('<!-- example: skip -->', '```sh', 'x', '```')],
    ['a marker on a block that is not an example', md('<!-- example: exits 1 -->', '```json', '{}', '```')],
    ['a block never closed', md('```sh', 'x')],
  ])('refuses %s', (_name, text) => {
    expect(() => readExamples('x.md', text)).toThrow(/x\.md:\d+/);
  });
});

describe('readDocFiles', () => {
  it('takes json/jsonc blocks that start with // NAME, without that line', () => {
    const files = readDocFiles('x.md', md('```jsonc', '// .vscode/mcp.json', '{ "servers": {} }', '```', '```json', '{ "no": "name" }', '```'));
    expect(files).toEqual([{ file: 'x.md', name: '.vscode/mcp.json', content: '{ "servers": {} }\n' }]);
  });
});
