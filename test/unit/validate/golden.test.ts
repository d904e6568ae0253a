/**
 * Every golden spec the generator commits passes the validator with zero errors under the profile it was
 * generated for (recorded in info.x-mcp-actions). OpenAPI 3.0 goldens are importable nowhere in ChatGPT, so
 * under the GPT profile they must fail on openapi-version and on nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/validate/source-map.js';
import { validateLoadedSpec } from '../../../src/validate/validate-spec.js';

const DIR = fileURLToPath(new URL('../../../fixtures/golden/', import.meta.url));
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe('golden specs', () => {
  it('the generator committed golden specs', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s passes with zero errors', async (file) => {
    const loaded = loadSpec(readFileSync(`${DIR}${file}`, 'utf8'), file);
    const options = ((loaded.document['info'] as Record<string, any>)['x-mcp-actions'] as { options: { profile?: string; openapiVersion?: string } }).options;
    const profile = options.profile === 'generic' ? 'generic' : 'gpt-actions';
    if (options.openapiVersion === '3.0') {
      const gpt = await validateLoadedSpec(loaded, { profile: 'gpt-actions' });
      expect(gpt.problems.filter((p) => p.severity === 'error').map((p) => p.rule)).toEqual(['openapi-version']);
      const generic = await validateLoadedSpec(loaded, { profile: 'generic' });
      expect(generic.problems).toEqual([]);
      return;
    }
    const report = await validateLoadedSpec(loaded, { profile });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    if (profile === 'gpt-actions') expect(report.warnings).toBe(0);
  });
});
