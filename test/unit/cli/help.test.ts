/** `serve --help` groups its options (commander's help groups); every option names its group; help examples are real. */
import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { defineGenerate } from '../../../src/cli/generate.js';
import { HELP_GROUP } from '../../../src/cli/help-groups.js';
import { defineServe } from '../../../src/cli/serve.js';
import type { CatalogTool } from '../../../src/mcp/catalog.js';
import { selectTools } from '../../../src/openapi/select-tools.js';

const program = new Command().name('mcp-actions');
const run = async () => {};
defineServe(program, run);
defineGenerate(program, run);
const serve = program.commands.find((c) => c.name() === 'serve')!;
const help = serve.helpInformation({ error: false }).replace(/\s+\n/g, '\n');
const groups = Object.values(HELP_GROUP) as string[];

/** The option flags listed under each heading, in order. */
function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^\S.*:$/.test(line)) out.set(line, (current = []));
    else if (current && /^ {2}-/.test(line)) current.push(/--?[\w-]+/.exec(line.trim())![0]);
  }
  return out;
}

describe('serve --help', () => {
  const listed = sections(help);

  it('names a group for every option, leaving only --help under "Options:"', () => {
    const visible = serve.options.filter((o: Option) => !o.hidden);
    expect(visible.length).toBeGreaterThan(30);
    for (const option of visible) expect(groups, option.long).toContain(option.helpGroupHeading);
    expect(listed.get('Options:')).toEqual(['-h']);
  });

  it.each([
    [HELP_GROUP.target, ['--url', '--header', '--config', '--server', '--env', '--cwd', '--timeout']],
    [HELP_GROUP.listen, ['--port', '--host', '--public-url', '--cors']],
    [HELP_GROUP.auth, ['--auth', '--api-key-header', '--api-key-env', '--oauth-issuer', '--oauth-audience', '--oauth-scopes', '--oauth-read-scope', '--oauth-write-scope', '--oauth-introspection', '--oauth-introspection-url', '--oauth-introspection-ttl', '--no-auth']],
    [HELP_GROUP.spec, ['--profile', '--consequential', '--include', '--exclude', '--overflow', '--openapi', '--template']],
    [HELP_GROUP.limits, ['--call-timeout', '--max-body', '--max-inflight', '--max-queue', '--rate-limit']],
    [HELP_GROUP.upstream, ['--ping-interval', '--drain-timeout']],
    [HELP_GROUP.jobs, ['--async-after', '--job-timeout', '--job-ttl', '--job-lease']],
    [HELP_GROUP.state, ['--redis', '--redis-prefix']],
    [HELP_GROUP.logging, ['--log-args', '--log-level']],
  ])('%s', (heading, flags) => {
    expect(listed.get(heading)).toEqual(expect.arrayContaining(flags));
  });

  it('shows --public-url once and hides its alias --server-url (which still parses)', () => {
    expect(help.match(/--public-url/g)?.length).toBe(1);
    expect(help).not.toMatch(/^\s+--server-url/m);
    expect(serve.options.some((o: Option) => o.long === '--server-url' && o.hidden)).toBe(true);
  });

  it('keeps each line within 100 columns', () => {
    for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
  it('prints a continued example on its own lines, each break shown with a backslash', () => {
    let out = '';
    serve.configureOutput({ writeOut: (text) => void (out += text) });
    serve.outputHelp();
    const examples = out.slice(out.indexOf('Examples:')).split('\n').filter((l) => l.trim() !== '');
    expect(examples.filter((l) => l.includes('--oauth-introspection'))).toHaveLength(1);
    for (const line of examples) expect(line, 'a continuation joined into one line').not.toMatch(/\S {3,}--/);
    const continued = examples.filter((l) => l.endsWith(' \\'));
    expect(continued.length).toBeGreaterThanOrEqual(5);
  });
});

describe('generate openapi --help', () => {
  it('groups the target, spec and auth options as serve does, and shows --server-url', () => {
    const generate = program.commands.find((c) => c.name() === 'generate')!;
    const openapi = generate.commands.find((c) => c.name() === 'openapi')!;
    const listed = sections(openapi.helpInformation({ error: false }));
    expect(listed.get(HELP_GROUP.target)).toContain('--url');
    expect(listed.get(HELP_GROUP.spec)).toEqual(expect.arrayContaining(['--server-url', '--include']));
    expect(listed.get(HELP_GROUP.auth)).toContain('--auth');
  });
});

describe('help examples', () => {
  /** The full --help text of a command, examples included (they are printed by an 'afterHelp' listener). */
  function fullHelp(cmd: Command): string {
    let text = '';
    cmd.configureOutput({ writeOut: (s) => void (text += s) });
    cmd.outputHelp();
    return text;
  }

  it("generate openapi's --include/--exclude example picks real tools of server-everything", async () => {
    const generate = program.commands.find((c) => c.name() === 'generate')!;
    const text = fullHelp(generate.commands.find((c) => c.name() === 'openapi')!);
    const example = text.split('\n').find((l) => l.includes('--include') && l.includes('server-everything'))!;
    expect(example).toBeDefined();
    const globs = (flag: string) => [...example.matchAll(new RegExp(`${flag} '?([^'\\s]+)'?`, 'g'))].map((m) => m[1]!);
    const { tools } = JSON.parse(readFileSync(new URL('../../../fixtures/tools/server-everything.json', import.meta.url), 'utf8')) as { tools: CatalogTool[] };
    const selection = selectTools(tools, { include: globs('--include'), exclude: globs('--exclude') });
    expect(selection.notes.filter((n) => n.code === 'pattern-unmatched')).toEqual([]);
    expect(selection.operations.length).toBeGreaterThan(1);
    expect(selection.operations.length).toBeLessThan(tools.length - 1);
  });
});
