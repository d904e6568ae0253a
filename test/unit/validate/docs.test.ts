/** docs/validate.md documents every rule id with its severity; docs/ci.md's workflow is real. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GPT_ACTIONS_RULES } from '../../../src/validate/rules/index.js';
import { formatReport } from '../../../src/validate/format-report.js';
import { STRUCTURAL_RULES, validateSpecText } from '../../../src/validate/validate-spec.js';

const validatePage = readFileSync(new URL('../../../docs/validate.md', import.meta.url), 'utf8');
const ciPage = readFileSync(new URL('../../../docs/ci.md', import.meta.url), 'utf8');

describe('docs/validate.md rule table', () => {
  it.each([...STRUCTURAL_RULES, ...GPT_ACTIONS_RULES].map((r) => [r.id, r.severity]))('%s (%s)', (id, severity) => {
    expect(validatePage).toContain(`| \`${id}\` | ${severity} |`);
  });
});

describe('docs/ci.md workflow', () => {
  it('is valid YAML and runs validate, the drift check and diff against the base branch', async () => {
    const { parse } = await import('yaml');
    const start = ciPage.indexOf('## A complete GitHub Actions workflow');
    expect(start).toBeGreaterThanOrEqual(0);
    const block = /```yaml\n([\s\S]*?)```/.exec(ciPage.slice(start))![1]!;
    const workflow = parse(block) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    expect(runs.some((r) => r.includes('mcp-actions validate openapi.yaml --format github'))).toBe(true);
    expect(runs.some((r) => r.includes('mcp-actions validate openapi.yaml --check --'))).toBe(true);
    expect(runs.some((r) => r.includes('github.base_ref') && r.includes('mcp-actions diff'))).toBe(true);
    // what works today: a packed tarball (test/e2e/pack.test.ts installs one the same way), not the registry (E404)
    expect(runs).toContain('npm install -g ./tools/mcp-actions-0.1.0.tgz');
    expect(runs.filter((r) => /npm (install|i) (-g )?mcp-actions\b/.test(r))).toEqual([]);
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(`mcp-actions-${version}.tgz`).toBe('mcp-actions-0.1.0.tgz'); // npm pack's file name: update docs/ci.md with the version
  });
});

describe('docs/validate.md report example', () => {
  it('is what validate prints for the demo spec with a port in its server URL, line:column included', async () => {
    const golden = readFileSync(new URL('../../../fixtures/golden/demo.yaml', import.meta.url), 'utf8');
    const withPort = golden.replace('  - url: https://api.example.com\n', '  - url: https://api.example.com:8443\n');
    expect(withPort).not.toBe(golden);
    const report = await validateSpecText(withPort, 'openapi.yaml', { profile: 'gpt-actions' });
    const printed = formatReport(report, 'text');
    const start = validatePage.indexOf('with a port added to its server URL:');
    const block = /```text\n([\s\S]*?)```/.exec(validatePage.slice(start))![1]!;
    expect(printed).toBe(block);
  });
});
