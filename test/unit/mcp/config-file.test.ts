import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { allServers, closest, expandVars, lineColumn, parseConfigFile, selectServer } from '../../../src/mcp/config-file.js';
import type { Target } from '../../../src/mcp/target.js';

function catchError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected an error');
}

const env = { HOME: '/home/ada', TOKEN: 'abc', EMPTY: '', PORT: '8080' };

describe('expandVars', () => {
  const cases: [string, { given: string; want: string }][] = [
    ['no variables', { given: 'node server.js', want: 'node server.js' }],
    ['${VAR}', { given: '${HOME}/mcp', want: '/home/ada/mcp' }],
    ['VS Code ${env:VAR}', { given: 'Bearer ${env:TOKEN}', want: 'Bearer abc' }],
    ['several in one value', { given: 'http://127.0.0.1:${PORT}/${env:TOKEN}/${TOKEN}', want: 'http://127.0.0.1:8080/abc/abc' }],
    ['set but empty is empty', { given: 'x${EMPTY}y', want: 'xy' }],
    ['$VAR without braces is left alone', { given: '$HOME', want: '$HOME' }],
    ['not a name is left alone', { given: '${1X} ${} ${a-b}', want: '${1X} ${} ${a-b}' }],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    expect(expandVars(given, env, 'here')).toBe(want);
  });

  it.each([['${MISSING}'], ['${env:MISSING}'], ['ok ${HOME} then ${MISSING}']])('unset variable in %s is an error naming it', (given) => {
    const error = catchError(() => expandVars(given, env, 'f.json: server "a", "args[0]"'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('f.json: server "a", "args[0]" uses ${MISSING}, which is not set');
    expect(error.hint).toBe('export MISSING=… before running mcp-actions');
  });
});

describe('lineColumn', () => {
  const text = 'ab\ncde\n\nf';
  it.each([
    [0, 1, 1],
    [1, 1, 2],
    [3, 2, 1],
    [5, 2, 3],
    [7, 3, 1],
    [8, 4, 1],
  ])('offset %i is line %i column %i', (offset, line, column) => {
    expect(lineColumn(text, offset)).toEqual({ line, column });
  });
});

const parse = (text: string) => parseConfigFile(text, 'mcp.json', env);
const one = (text: string): Target => [...allServers(parse(text)).values()][0]!;

describe('parseConfigFile: entries', () => {
  const cases: [string, { given: string; want: Target }][] = [
    [
      'Claude Desktop stdio entry with args, env and ${VAR}',
      {
        given: '{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "fs-server", "${HOME}"], "env": {"KEY": "${TOKEN}"}}}}',
        want: { kind: 'stdio', name: 'fs', command: 'npx', args: ['-y', 'fs-server', '/home/ada'], env: { KEY: 'abc' }, cwd: undefined },
      },
    ],
    [
      'stdio entry with cwd, no args',
      {
        given: '{"mcpServers": {"a": {"command": "node", "cwd": "${HOME}/srv"}}}',
        want: { kind: 'stdio', name: 'a', command: 'node', args: [], env: {}, cwd: '/home/ada/srv' },
      },
    ],
    [
      'VS Code servers with comments, trailing commas, type stdio',
      {
        given: '// comment\n{ "servers": { /* x */ "v": { "type": "stdio", "command": "node", "args": ["s.js",], }, }, }',
        want: { kind: 'stdio', name: 'v', command: 'node', args: ['s.js'], env: {}, cwd: undefined },
      },
    ],
    [
      'remote entry without type: auto (Streamable HTTP, then SSE)',
      {
        given: '{"mcpServers": {"r": {"url": "https://api.example.com/mcp"}}}',
        want: { kind: 'http', name: 'r', url: 'https://api.example.com/mcp', headers: {}, transport: 'auto' },
      },
    ],
    [
      'remote entry with headers and type http',
      {
        given: '{"servers": {"r": {"type": "http", "url": "http://127.0.0.1:${PORT}/mcp", "headers": {"Authorization": "Bearer ${env:TOKEN}"}}}}',
        want: { kind: 'http', name: 'r', url: 'http://127.0.0.1:8080/mcp', headers: { Authorization: 'Bearer abc' }, transport: 'streamable-http' },
      },
    ],
    [
      'remote entry with type sse',
      {
        given: '{"mcpServers": {"r": {"type": "sse", "url": "http://h/sse"}}}',
        want: { kind: 'http', name: 'r', url: 'http://h/sse', headers: {}, transport: 'sse' },
      },
    ],
    [
      'Windsurf serverUrl',
      {
        given: '{"mcpServers": {"w": {"serverUrl": "https://h/mcp"}}}',
        want: { kind: 'http', name: 'w', url: 'https://h/mcp', headers: {}, transport: 'auto' },
      },
    ],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    expect(one(given)).toEqual(want);
  });

  it('keeps file order and every server', () => {
    const config = parse('{"mcpServers": {"b": {"command": "x"}, "a": {"url": "http://h/mcp"}, "c": {"command": "y"}}}');
    expect(config.names).toEqual(['b', 'a', 'c']);
    expect([...allServers(config).keys()]).toEqual(['b', 'a', 'c']);
    expect(config.path).toBe('mcp.json');
  });
});

describe('parseConfigFile: errors', () => {
  const cases: [string, { given: string; want: string }][] = [
    ['missing comma, with line:col', { given: '{\n  "mcpServers": {\n    "a": {}\n    "b": {}\n  }\n}', want: 'mcp.json:4:5: not valid JSON (CommaExpected)' }],
    ['unterminated', { given: '{"mcpServers": {', want: 'mcp.json:1:17: not valid JSON (CloseBraceExpected)' }],
    ['empty file', { given: '', want: 'mcp.json:1:1: not valid JSON (ValueExpected)' }],
    ['an array', { given: '[]', want: 'mcp.json: expected a JSON object with "mcpServers" or "servers"' }],
    ['no section', { given: '{"mcp": {}}', want: 'mcp.json: no "mcpServers" (Claude Desktop, Cursor) or "servers" (VS Code) object' }],
    ['empty section', { given: '{"mcpServers": {}}', want: 'mcp.json: the file lists no servers' }],
    ['entry not an object', { given: '{"mcpServers": {"a": "node"}}', want: 'mcp.json: server "a" is not an object' }],
    ['neither command nor url', { given: '{"mcpServers": {"a": {"type": "stdio"}}}', want: 'mcp.json: server "a" has neither "command" (stdio) nor "url" (HTTP)' }],
    ['args not an array', { given: '{"mcpServers": {"a": {"command": "x", "args": "y"}}}', want: 'mcp.json: server "a": "args" must be an array of strings' }],
    ['arg not a string', { given: '{"mcpServers": {"a": {"command": "x", "args": [1]}}}', want: 'mcp.json: server "a": "args[0]" must be a string' }],
    ['env not an object', { given: '{"mcpServers": {"a": {"command": "x", "env": ["A=1"]}}}', want: 'mcp.json: server "a": "env" must be an object of strings' }],
    ['header not a string', { given: '{"mcpServers": {"a": {"url": "http://h", "headers": {"X": 1}}}}', want: 'mcp.json: server "a": "headers.X" must be a string' }],
    ['url not a URL', { given: '{"mcpServers": {"a": {"url": "localhost:3000"}}}', want: 'mcp.json: server "a": "localhost:3000" is not an http(s) URL' }],
    ['url not http(s)', { given: '{"mcpServers": {"a": {"url": "ws://h/mcp"}}}', want: 'mcp.json: server "a": "ws://h/mcp" is not an http(s) URL' }],
    ['relative url', { given: '{"mcpServers": {"a": {"url": "/mcp"}}}', want: 'mcp.json: server "a": "/mcp" is not a URL' }],
    ['unset variable in a header', { given: '{"mcpServers": {"a": {"url": "http://h", "headers": {"Authorization": "Bearer ${NOPE}"}}}}', want: 'mcp.json: server "a", "headers.Authorization" uses ${NOPE}, which is not set' }],
  ];
  it.each(cases)('%s', (_, { given, want }) => {
    const error = catchError(() => allServers(parse(given)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(want);
    expect(error.exitCode).toBe(2);
  });
});

describe('parseConfigFile: unknown keys', () => {
  const reads = '"command", "args", "env", "cwd", "url", "headers", "type"';
  const cases: [string, { given: string; want: string; hint: string }][] = [
    ['"arg" for "args"', { given: '{"mcpServers": {"a": {"command": "x", "arg": ["y"]}}}', want: 'mcp.json: server "a" has an unknown key "arg"', hint: `did you mean "args"? (mcp-actions reads ${reads})` }],
    ['"comand"', { given: '{"mcpServers": {"a": {"comand": "x"}}}', want: 'mcp.json: server "a" has an unknown key "comand"', hint: `did you mean "command"? (mcp-actions reads ${reads})` }],
    ['"header"', { given: '{"servers": {"a": {"url": "http://h/mcp", "header": {}}}}', want: 'mcp.json: server "a" has an unknown key "header"', hint: `did you mean "headers"? (mcp-actions reads ${reads})` }],
    ['"Env"', { given: '{"mcpServers": {"a": {"command": "x", "Env": {}}}}', want: 'mcp.json: server "a" has an unknown key "Env"', hint: `did you mean "env"? (mcp-actions reads ${reads})` }],
    ['nothing near', { given: '{"mcpServers": {"a": {"command": "x", "envFile": ".env"}}}', want: 'mcp.json: server "a" has an unknown key "envFile"', hint: `mcp-actions reads ${reads}; rename or remove "envFile"` }],
    ['in an entry that is not the one chosen', { given: '{"mcpServers": {"a": {"command": "x"}, "b": {"command": "y", "arg": []}}}', want: 'mcp.json: server "b" has an unknown key "arg"', hint: `did you mean "args"? (mcp-actions reads ${reads})` }],
  ];
  it.each(cases)('%s', (_, { given, want, hint }) => {
    const error = catchError(() => parse(given));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(want);
    expect(error.hint).toBe(hint);
    expect(error.exitCode).toBe(2);
  });

  it('accepts the keys MCP clients write for themselves', () => {
    const config = parse('{"mcpServers": {"a": {"command": "x", "disabled": false, "autoApprove": [], "alwaysAllow": [], "timeout": 60, "description": "d"}}}');
    expect(selectServer(config, 'a')).toMatchObject({ command: 'x' });
  });

  it.each([
    ['arg', 'args'],
    ['urls', 'url'],
    ['cmd', 'command'],
    ['cwdir', 'cwd'],
    ['headrs', 'headers'],
    ['xyz', undefined],
  ])('closest(%s) is %s', (word, want) => {
    expect(closest(word, ['command', 'args', 'env', 'cwd', 'url', 'headers', 'type'])).toBe(want);
  });
});

describe('${VAR} is expanded only where it is used', () => {
  const text = '{"servers": {"local": {"command": "node", "env": {"API_KEY": "${env:UNSET_KEY}"}}, "remote": {"type": "http", "url": "https://h/mcp", "headers": {"Authorization": "Bearer ${env:TOKEN}"}}}}';
  it('an unset variable in another entry does not stop the chosen one', () => {
    expect(selectServer(parse(text), 'remote')).toMatchObject({ url: 'https://h/mcp', headers: { Authorization: 'Bearer abc' } });
  });
  it('the chosen entry still needs its own', () => {
    expect(() => selectServer(parse(text), 'local')).toThrow('mcp.json: server "local", "env.API_KEY" uses ${UNSET_KEY}, which is not set');
  });
  it('serving them all needs them all', () => {
    expect(() => allServers(parse(text))).toThrow('uses ${UNSET_KEY}, which is not set');
  });
  it('a URL made of variables is checked once expanded', () => {
    const config = parse('{"mcpServers": {"a": {"url": "${BASE}/mcp"}, "b": {"command": "x"}}}');
    expect(selectServer(config, 'b')).toMatchObject({ command: 'x' });
    expect(() => selectServer(config, 'a')).toThrow('uses ${BASE}, which is not set');
    expect(() => selectServer(parseConfigFile('{"mcpServers": {"a": {"url": "${BASE}/mcp"}}}', 'mcp.json', { BASE: 'localhost:1' }), 'a')).toThrow('is not an http(s) URL');
  });
});

describe('selectServer', () => {
  const two = parse('{"mcpServers": {"fs": {"command": "a"}, "memory": {"command": "b"}}}');
  it('picks by name', () => {
    expect(selectServer(two, 'memory')).toMatchObject({ name: 'memory', command: 'b' });
  });
  it('the only server needs no name', () => {
    expect(selectServer(parse('{"servers": {"solo": {"command": "a"}}}'), undefined)).toMatchObject({ name: 'solo' });
  });
  it('several and no name lists them', () => {
    expect(() => selectServer(two, undefined)).toThrow('mcp.json lists 2 servers: fs, memory');
  });
  it('an unknown name lists the names', () => {
    expect(() => selectServer(two, 'github')).toThrow('mcp.json has no server named "github" (it has: fs, memory)');
  });
});
