/** The CLI's one mapping from an error to a message and an exit code (src/cli.ts uses describeError). */
import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/shared.js';
import { ConfigError, McpConnectionError, ProblemsFoundError, UsageError } from '../../../src/errors.js';

function run(error: unknown): { code: number; text: string } {
  let text = '';
  const code = describeError(error, (s) => (text += s));
  return { code, text };
}

describe('describeError', () => {
  it.each([
    [new UsageError('no MCP server given', { hint: 'pass a command after --' }), 2, 'mcp-actions: no MCP server given; pass a command after --\n'],
    [new ConfigError('f.json:1:2: not valid JSON', { hint: 'fix it' }), 2, 'mcp-actions: f.json:1:2: not valid JSON; fix it\n'],
    [new McpConnectionError('refused', 'connection refused by http://h/mcp'), 2, 'mcp-actions: connection refused by http://h/mcp\n'],
    [new ProblemsFoundError('3 problems in spec.json'), 1, 'mcp-actions: 3 problems in spec.json\n'],
  ])('known error %#: one line and its exit code', (error, code, text) => {
    expect(run(error)).toEqual({ code, text });
  });

  it('an unknown error: "unexpected error, please report" and the stack, exit 2', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'tools')");
    const { code, text } = run(error);
    expect(code).toBe(2);
    const [first, ...rest] = text.split('\n');
    expect(first).toMatch(/^mcp-actions: unexpected error, please report it at https:\/\/\S+$/);
    expect(rest.join('\n')).toContain(error.stack!);
    expect(rest[0]).toBe("TypeError: Cannot read properties of undefined (reading 'tools')");
    expect(text).toMatch(/\n\s+at .*describe-error\.test\.ts/);
  });

  it('a thrown non-Error is still reported', () => {
    expect(run('boom')).toEqual({ code: 2, text: expect.stringMatching(/unexpected error, please report.*\nboom\n$/) as unknown as string });
  });
});
