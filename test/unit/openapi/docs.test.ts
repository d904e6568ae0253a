/** docs/generate-openapi.md's worked example is real output, not a sketch that drifted; every flag is documented. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const page = read('docs/generate-openapi.md');
const gptPage = read('docs/generate-gpt.md');
const golden = read('fixtures/golden/demo.yaml');

describe('docs/generate-openapi.md', () => {
  it('shows the create_note operation exactly as generate openapi prints it', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(page.slice(page.indexOf('## Worked example')))![1]!;
    const operation = block.slice(0, block.indexOf('      responses:')).split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(operation.length).toBeGreaterThan(10);
    expect(golden).toContain(operation.join('\n'));
  });

  it('lists the error statuses every operation documents, as the golden spec has them', () => {
    const comment = /responses:\s+# 200, then 202 \(a job\) ([\d ]+) \(\+ 401 with --auth\)/.exec(page)![1]!;
    const create = golden.slice(golden.indexOf('  /tools/create_note:'));
    const statuses = [...create.slice(0, create.indexOf('\n  /tools/', 1)).matchAll(/^ {8}"(\d{3})":/gm)].map((m) => m[1]);
    expect(statuses[0]).toBe('200');
    expect(['202', ...comment.trim().split(' ')]).toEqual(statuses.slice(1));
  });

  it('quotes the stderr line of the demo run and the version format', () => {
    expect(page).toContain('demo-notes 1.2.0: 5 tools → 6 operations');
    const version = /version: (\S+)/.exec(golden)![1]!;
    expect(page).toContain(`(\`${version}\`)`);
  });

  it('documents every flag of generate openapi', () => {
    for (const flag of ['--server-url', '--auth', '--api-key-header', '--oauth-authorization-url', '--oauth-token-url', '--oauth-scopes', '--consequential', '--include', '--exclude', '--overflow', '--profile', '--openapi', '--fail-on-shorten', '--template', '--format', '--no-async', '--files']) {
      expect(page, flag).toContain(flag);
    }
  });
});

describe('docs/generate-gpt.md', () => {
  it('documents every flag of generate gpt', () => {
    for (const flag of ['--server-url', '--out-dir', '--templates', '--privacy-url', '--force']) {
      expect(gptPage, flag).toContain(flag);
    }
  });
});
