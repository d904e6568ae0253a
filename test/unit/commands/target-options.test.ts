import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseEnvPairs,
  parseHeaders,
  parseTimeout,
  resolveTarget,
  type TargetOptions,
} from '../../../src/commands/target-options.js';
import { ConfigError, McpActionsError, UsageError } from '../../../src/errors.js';
import type { Target } from '../../../src/mcp/target.js';

async function catchError(fn: () => unknown): Promise<McpActionsError> {
  try {
    await fn();
  } catch (error) {
    return error as McpActionsError;
  }
  throw new Error('expected an error');
}

describe('parseHeaders', () => {
  it.each([
    [['Authorization: Bearer abc'], { Authorization: 'Bearer abc' }],
    [['X-Api-Key:k', 'X-Other:  spaced  '], { 'X-Api-Key': 'k', 'X-Other': 'spaced' }],
    [['X-Url: http://h:1/p'], { 'X-Url': 'http://h:1/p' }],
    [['X-Empty:'], { 'X-Empty': '' }],
    [[], {}],
  ])('%j → %j', (given, want) => {
    expect(parseHeaders(given)).toEqual(want);
  });
  it.each([['Authorization'], [': value'], ['Bad Name: v'], ['Ünïcode: v']])('"%s" is a usage error', async (raw) => {
    const error = await catchError(() => parseHeaders([raw]));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`--header "${raw}" is not "Name: value"`);
  });
});

describe('parseEnvPairs', () => {
  it.each([
    [['A=1'], { A: '1' }],
    [['URL=postgres://u:p@h/db?x=1'], { URL: 'postgres://u:p@h/db?x=1' }],
    [['EMPTY='], { EMPTY: '' }],
    [['A=1', 'A=2'], { A: '2' }],
  ])('%j → %j', (given, want) => {
    expect(parseEnvPairs(given)).toEqual(want);
  });
  it.each([['NOVALUE'], ['=x']])('"%s" is a usage error', async (raw) => {
    expect(await catchError(() => parseEnvPairs([raw]))).toBeInstanceOf(UsageError);
  });
});

describe('parseTimeout', () => {
  it.each([
    [undefined, 30000],
    ['1000', 1000],
    [250, 250],
  ])('%j → %i', (given, want) => {
    expect(parseTimeout(given, 30000)).toBe(want);
  });
  it.each([['0'], ['-5'], ['1.5'], ['soon'], ['']])('"%s" is a usage error', async (given) => {
    const error = await catchError(() => parseTimeout(given, 30000));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`--timeout "${given}" is not a positive number of milliseconds`);
  });
});

describe('resolveTarget', () => {
  let dir: string;
  let config: string;
  const io = () => ({ cwd: dir, env: { TOKEN: 'abc' } });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-actions-targets-'));
    config = join(dir, 'mcp.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          local: { command: 'node', args: ['s.js'], env: { A: '1', B: '2' }, cwd: '/srv' },
          remote: { url: 'https://h/mcp', type: 'sse', headers: { Authorization: 'Bearer ${TOKEN}', X: 'x' } },
        },
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, { opts: TargetOptions; operands: string[]; want: (dir: string) => Target }][] = [
    [
      'a command after --',
      { opts: {}, operands: ['node', 'server.js', '--flag'], want: () => ({ kind: 'stdio', command: 'node', args: ['server.js', '--flag'], env: {}, cwd: undefined }) },
    ],
    [
      'a command with --env and a relative --cwd',
      {
        opts: { env: ['A=1'], cwd: 'sub' },
        operands: ['python', '-m', 'srv'],
        want: (d) => ({ kind: 'stdio', command: 'python', args: ['-m', 'srv'], env: { A: '1' }, cwd: join(d, 'sub') }),
      },
    ],
    [
      '--url with headers',
      {
        opts: { url: 'http://127.0.0.1:3000/mcp', header: ['Authorization: Bearer t'] },
        operands: [],
        want: () => ({ kind: 'http', url: 'http://127.0.0.1:3000/mcp', headers: { Authorization: 'Bearer t' }, transport: 'auto' }),
      },
    ],
    [
      'a single URL operand is --url',
      { opts: { transport: 'sse' }, operands: ['https://h/sse'], want: () => ({ kind: 'http', url: 'https://h/sse', headers: {}, transport: 'sse' }) },
    ],
  ];
  it.each(cases)('%s', async (_, { opts, operands, want }) => {
    expect(await resolveTarget(opts, operands, io())).toEqual(want(dir));
  });

  it('--config stdio entry: --env adds to and overrides its env, --cwd overrides its cwd', async () => {
    const target = await resolveTarget({ config: 'mcp.json', server: 'local', env: ['B=3', 'C=4'], cwd: 'w' }, [], io());
    expect(target).toEqual({ kind: 'stdio', name: 'local', command: 'node', args: ['s.js'], env: { A: '1', B: '3', C: '4' }, cwd: join(dir, 'w') });
  });

  it('--config stdio entry keeps its own cwd without --cwd', async () => {
    expect(await resolveTarget({ config, server: 'local' }, [], io())).toMatchObject({ cwd: '/srv' });
  });

  it('--config remote entry: --header adds to and overrides its headers, --transport overrides its type', async () => {
    const target = await resolveTarget({ config, server: 'remote', header: ['X: y'], transport: 'streamable-http' }, [], io());
    expect(target).toEqual({ kind: 'http', name: 'remote', url: 'https://h/mcp', headers: { Authorization: 'Bearer abc', X: 'y' }, transport: 'streamable-http' });
  });

  it('--config remote entry keeps its type without --transport', async () => {
    expect(await resolveTarget({ config, server: 'remote' }, [], io())).toMatchObject({ transport: 'sse' });
  });

  const errors: [string, { opts: TargetOptions; operands: string[]; type: typeof McpActionsError; message: string }][] = [
    ['nothing', { opts: {}, operands: [], type: UsageError, message: 'no MCP server given' }],
    ['command and --url', { opts: { url: 'http://h/mcp' }, operands: ['node'], type: UsageError, message: 'give only one of: a command after --, --url, --config' }],
    ['--url and --config', { opts: { url: 'http://h/mcp', config: 'x.json' }, operands: [], type: UsageError, message: 'give only one of: a command after --, --url, --config' }],
    ['--server without --config', { opts: { server: 'a' }, operands: ['node'], type: UsageError, message: '--server only makes sense with --config' }],
    ['bad --transport', { opts: { url: 'http://h/mcp', transport: 'websocket' }, operands: [], type: UsageError, message: '--transport "websocket" is not one of streamable-http, sse' }],
    ['--url not a URL', { opts: { url: 'h/mcp' }, operands: [], type: ConfigError, message: '--url: "h/mcp" is not a URL' }],
    ['--env with --url', { opts: { url: 'http://h/mcp', env: ['A=1'] }, operands: [], type: UsageError, message: '--env does not apply to an HTTP server' }],
    ['--header and --transport with a command', { opts: { header: ['A: b'], transport: 'sse' }, operands: ['node'], type: UsageError, message: '--header and --transport do not apply to a stdio server' }],
    ['--cwd with a remote config entry', { opts: { config: 'mcp.json', server: 'remote', cwd: '.' }, operands: [], type: UsageError, message: '--cwd does not apply to an HTTP server' }],
    ['config file missing', { opts: { config: 'nope.json' }, operands: [], type: ConfigError, message: 'config file not found: nope.json' }],
    ['config unknown server', { opts: { config: 'mcp.json', server: 'x' }, operands: [], type: ConfigError, message: 'mcp.json has no server named "x" (it has: local, remote)' }],
  ];
  it.each(errors)('%s', async (_, { opts, operands, type, message }) => {
    const error = await catchError(() => resolveTarget(opts, operands, io()));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });
});
