/** docs/validate.md documents every rule id with its severity; docs/ci.md's workflow is real. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GPT_ACTIONS_RULES } from '../../../src/validate/rules/index.js';
import { STRUCTURAL_RULES } from '../../../src/validate/validate-spec.js';

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
  });
});
