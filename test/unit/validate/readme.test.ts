/** The README's "Use in CI" table documents every rule id, with its severity. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GPT_ACTIONS_RULES } from '../../../src/validate/rules/index.js';
import { STRUCTURAL_RULES } from '../../../src/validate/validate-spec.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README rule table', () => {
  it.each([...STRUCTURAL_RULES, ...GPT_ACTIONS_RULES].map((r) => [r.id, r.severity]))('%s (%s)', (id, severity) => {
    expect(readme).toContain(`| \`${id}\` | ${severity} |`);
  });
});

describe('README workflow', () => {
  it('is valid YAML and runs validate, the drift check and diff against the base branch', async () => {
    const { parse } = await import('yaml');
    const start = readme.indexOf('### A complete GitHub Actions workflow');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
    const workflow = parse(block) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    expect(runs.some((r) => r.includes('mcp-actions validate openapi.yaml --format github'))).toBe(true);
    expect(runs.some((r) => r.includes('mcp-actions validate openapi.yaml --check --'))).toBe(true);
    expect(runs.some((r) => r.includes('github.base_ref') && r.includes('mcp-actions diff'))).toBe(true);
  });
});
