/**
 * `mcp-actions validate` end to end: every rule has a fixture under fixtures/invalid/ that breaks it (and only
 * it); the CLI reports the rule id at the right line and column with the right exit code.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT_ACTIONS_RULES } from '../../src/validate/rules/index.js';
import { STRUCTURAL_RULES } from '../../src/validate/validate-spec.js';
import { ROOT, runCli, type CliResult } from './validate-helpers.js';

interface Expect {
  line: number;
  column: number;
  pointer: string;
}

const op = '/paths/~1tools~1echo/post';
const status = '/paths/~1tools~1status/get';
// [fixture (= rule id), where the problem is reported]
const TABLE: [string, Expect][] = [
  ['openapi-version', { line: 2, column: 1, pointer: '/openapi' }],
  ['servers-missing', { line: 2, column: 1, pointer: '' }],
  ['servers-multiple', { line: 8, column: 5, pointer: '/servers/1' }],
  ['server-url', { line: 7, column: 5, pointer: '/servers/0/url' }],
  ['server-https', { line: 7, column: 5, pointer: '/servers/0/url' }],
  ['server-host-lowercase', { line: 7, column: 5, pointer: '/servers/0/url' }],
  ['server-port', { line: 7, column: 5, pointer: '/servers/0/url' }],
  ['server-local', { line: 7, column: 5, pointer: '/servers/0/url' }],
  ['operations-max', { line: 8, column: 1, pointer: '/paths' }],
  ['method-unsupported', { line: 28, column: 5, pointer: '/paths/~1tools~1status/head' }],
  ['operation-id-missing', { line: 28, column: 5, pointer: status }],
  ['operation-id-pattern', { line: 29, column: 7, pointer: `${status}/operationId` }],
  ['operation-id-duplicate', { line: 29, column: 7, pointer: `${status}/operationId` }],
  ['summary-too-long', { line: 12, column: 7, pointer: `${op}/summary` }],
  ['description-too-long', { line: 13, column: 7, pointer: `${op}/description` }],
  ['request-body-json', { line: 14, column: 7, pointer: `${op}/requestBody` }],
  ['consequential-flag', { line: 10, column: 5, pointer: op }],
  ['parameter-ref', { line: 33, column: 11, pointer: `${status}/parameters/0/$ref` }],
  ['parameter-duplicate', { line: 37, column: 11, pointer: '/paths/~1tools~1status~1{verbose}/get/parameters/1' }],
  ['parameter-location', { line: 34, column: 11, pointer: `${status}/parameters/0/in` }],
  ['parameter-description-too-long', { line: 35, column: 11, pointer: `${status}/parameters/0/description` }],
  ['components-schemas', { line: 30, column: 1, pointer: '/components' }],
  ['object-properties', { line: 35, column: 5, pointer: '/components/schemas/EchoOutput' }],
  ['array-items', { line: 35, column: 9, pointer: '/components/schemas/EchoInput/properties/tags' }],
  ['circular-ref', { line: 43, column: 13, pointer: '/components/schemas/EchoOutput/properties/children/items/$ref' }],
  ['ref-external', { line: 26, column: 17, pointer: `${op}/responses/200/content/application~1json/schema/$ref` }],
  ['ref-unresolved', { line: 26, column: 17, pointer: `${op}/responses/200/content/application~1json/schema/$ref` }],
  ['openapi-structure', { line: 21, column: 9, pointer: `${op}/responses/200` }],
  ['security-schemes-max', { line: 45, column: 5, pointer: '/components/securitySchemes/bearer' }],
  ['security-scheme-supported', { line: 41, column: 5, pointer: '/components/securitySchemes/apiKey' }],
  ['oauth-domain', { line: 46, column: 11, pointer: '/components/securitySchemes/oauth/flows/authorizationCode/tokenUrl' }],
];

const ALL_RULES = [...GPT_ACTIONS_RULES, ...STRUCTURAL_RULES];
const results = new Map<string, CliResult>();

beforeAll(async () => {
  // The CLI is cold-started per file, as CI would run it; three at a time keeps a 2-core machine responsive.
  const queue = TABLE.map(([rule]) => rule);
  const worker = async () => {
    for (let rule = queue.shift(); rule !== undefined; rule = queue.shift()) {
      results.set(rule, await runCli(['validate', `fixtures/invalid/${rule}.yaml`, '--format', 'json']));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 180_000);

describe('validate: one fixture per rule', () => {
  it('has a fixture and a table row for every rule, and nothing else', () => {
    const files = readdirSync(`${ROOT}fixtures/invalid`).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
    expect(TABLE.map(([r]) => r).sort()).toEqual(files.sort());
  });

  it.each(TABLE)('%s: reported alone, at its line and column, with the right exit code', (rule, want) => {
    const result = results.get(rule)!;
    const severity = ALL_RULES.find((r) => r.id === rule)!.severity;
    expect(result.code, result.stderr).toBe(severity === 'error' ? 1 : 0);
    const report = JSON.parse(result.stdout) as { problems: { rule: string; line: number; column: number; pointer: string; hint: string }[] };
    expect(report.problems.map((p) => p.rule)).toEqual([rule]);
    const [p] = report.problems;
    expect({ line: p!.line, column: p!.column, pointer: p!.pointer }).toEqual(want);
    expect(p!.hint.length).toBeGreaterThan(10);
  });
});

describe('validate: output formats and exit codes', { timeout: 90_000 }, () => {
  it('prints GitHub annotations with file, line and col', async () => {
    const r = await runCli(['validate', 'fixtures/invalid/server-port.yaml', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::error file=fixtures/invalid/server-port.yaml,line=7,col=5,title=server-port::server URL "https://api.example.com:8443" has a port (fix: remove the port: ChatGPT calls https on 443 only)\n',
    );
  });

  it('prints text with file:line:col and the rule id', async () => {
    const r = await runCli(['validate', 'fixtures/invalid/array-items.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/invalid/array-items.yaml:35:9  error    array schema missing items  [array-items]');
    expect(r.stdout).toContain('1 error, 0 warnings');
  });

  it('warnings pass unless --max-warnings is exceeded', async () => {
    const ok = await runCli(['validate', 'fixtures/invalid/consequential-flag.yaml']);
    expect(ok.code).toBe(0);
    const strict = await runCli(['validate', 'fixtures/invalid/consequential-flag.yaml', '--max-warnings', '0']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('1 warning, more than --max-warnings 0');
    const loose = await runCli(['validate', 'fixtures/invalid/consequential-flag.yaml', '--max-warnings', '1']);
    expect(loose.code).toBe(0);
  });

  it('--profile generic skips the GPT rules but keeps OpenAPI structure', async () => {
    expect((await runCli(['validate', 'fixtures/invalid/server-port.yaml', '--profile', 'generic'])).code).toBe(0);
    const r = await runCli(['validate', 'fixtures/invalid/openapi-structure.yaml', '--profile', 'generic', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems.map((p: { rule: string }) => p.rule)).toEqual(['openapi-structure']);
  });

  it('exits 2 with one line when the file is missing or not YAML/JSON', async () => {
    const missing = await runCli(['validate', 'fixtures/invalid/does-not-exist.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('not found');
    const broken = await runCli(['validate', 'package.json', '--format', 'json'], {});
    expect(broken.code).toBe(1); // parses, but is not OpenAPI: reported as problems
    const notYaml = await runCli(['validate', 'README.md']);
    expect(notYaml.code).toBe(2);
  });

  it('exits 2 on a bad flag value', async () => {
    const r = await runCli(['validate', 'fixtures/valid/minimal.yaml', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format "xml" is not one of text, json, github');
  });
});
