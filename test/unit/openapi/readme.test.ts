/** The README's `generate openapi` worked example is real output, not a sketch that drifted. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const golden = readFileSync(new URL('../../../fixtures/golden/demo.yaml', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section: generate -->'), readme.indexOf('<!-- section: validate -->'));

describe('README generate section', () => {
  it('shows the create_note operation exactly as generate openapi prints it', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(section.slice(section.indexOf('### Worked example')))![1]!;
    const operation = block.slice(0, block.indexOf('      responses:')).split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(operation.length).toBeGreaterThan(10);
    expect(golden).toContain(operation.join('\n'));
  });

  it('quotes the stderr line of the demo run and the version format', () => {
    expect(section).toContain('demo-notes 1.2.0: 5 tools → 5 operations');
    const version = /version: (\S+)/.exec(golden)![1]!;
    expect(section).toContain(`(\`${version}\`)`);
  });

  it('documents every flag of generate openapi and generate gpt', () => {
    for (const flag of ['--server-url', '--auth', '--api-key-header', '--oauth-authorization-url', '--oauth-token-url', '--oauth-scopes', '--consequential', '--include', '--exclude', '--overflow', '--profile', '--openapi', '--fail-on-shorten', '--template', '--format', '--out-dir', '--templates', '--privacy-url', '--force']) {
      expect(section, flag).toContain(flag);
    }
  });
});
