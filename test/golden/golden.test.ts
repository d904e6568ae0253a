/**
 * Golden specs: captured tool lists (fixtures/tools/*.json) → expected specs (fixtures/golden/*.yaml).
 * Every golden file is validated by swagger-parser and checked against ChatGPT's import rules in the
 * same test, so a golden can never be an invalid spec. Update with `npx vitest run -u test/golden`.
 */
import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ToolCatalog } from '../../src/mcp/catalog.js';
import { buildSpec, type SpecOptions } from '../../src/openapi/build-spec.js';
import { serializeSpec } from '../../src/openapi/serialize.js';
import { missingConstraints } from '../helpers/constraints.js';
import { gptImportProblems } from '../helpers/gpt-import-rules.js';
import { validateSpec } from '../helpers/swagger.js';

const root = new URL('../../', import.meta.url);
const catalog = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/tools/${name}.json`, root), 'utf8')) as ToolCatalog;
const template = parse(readFileSync(new URL('fixtures/templates/base.yaml', root), 'utf8')) as Record<string, unknown>;
const oauth = { type: 'oauth' as const, oauth: { authorizationUrl: 'https://api.example.com/oauth/authorize', tokenUrl: 'https://api.example.com/oauth/token', scopes: ['notes:write', 'notes:read'] } };

interface Case {
  golden: string;
  fixture: string;
  options?: Partial<SpecOptions>;
  /** Tools whose input constraints must all be present (default: every tool that became an operation). */
  fidelity?: boolean;
}

const cases: Case[] = [
  { golden: 'demo', fixture: 'demo' },
  { golden: 'demo.api-key-template', fixture: 'demo', options: { auth: { type: 'api-key', apiKeyHeader: 'X-Demo-Key' }, base: template } },
  { golden: 'demo.oauth', fixture: 'demo', options: { auth: oauth, consequential: 'all' } },
  { golden: 'demo.openapi-3.0', fixture: 'demo', options: { openapiVersion: '3.0', auth: { type: 'bearer' }, profile: 'generic' } },
  { golden: 'pydantic-defs', fixture: 'pydantic-defs' },
  { golden: 'recursive', fixture: 'recursive' },
  { golden: 'recursive.generic', fixture: 'recursive', options: { profile: 'generic' } },
  { golden: 'draft07', fixture: 'draft07' },
  { golden: 'unions', fixture: 'unions' },
  { golden: 'unions.openapi-3.0', fixture: 'unions', options: { openapiVersion: '3.0', profile: 'generic' }, fidelity: false },
  { golden: 'free-form', fixture: 'free-form' },
  { golden: 'long-description', fixture: 'long-description' },
  { golden: 'long-description.generic', fixture: 'long-description', options: { profile: 'generic', auth: { type: 'basic' } } },
  { golden: 'forty-tools.overflow', fixture: 'forty-tools', options: { overflow: 'generic' } },
  { golden: 'forty-tools.include', fixture: 'forty-tools', options: { include: ['tool_0*', 'tool_1*'], exclude: ['tool_05'] } },
  { golden: 'odd-names', fixture: 'odd-names' },
  { golden: 'external-ref', fixture: 'external-ref' },
  { golden: 'zod-refs', fixture: 'zod-refs' },
  { golden: 'zod-refs.openapi-3.0', fixture: 'zod-refs', options: { openapiVersion: '3.0', profile: 'generic' }, fidelity: false },
  { golden: 'server-everything', fixture: 'server-everything' },
  { golden: 'server-filesystem', fixture: 'server-filesystem' },
  { golden: 'server-memory', fixture: 'server-memory' },
  { golden: 'server-gitlab-untyped', fixture: 'server-gitlab-untyped' },
];

describe('golden specs', () => {
  it.each(cases)('$golden', async ({ golden, fixture, options, fidelity }) => {
    const input = catalog(fixture);
    const result = buildSpec(input, { serverUrl: 'https://api.example.com', ...options });
    const text = serializeSpec(result.spec, 'yaml');
    await expect(text).toMatchFileSnapshot(`../../fixtures/golden/${golden}.yaml`);

    // the golden text itself is a valid spec …
    const parsed = parse(text) as OpenAPIObject;
    await validateSpec(parsed);
    // … that ChatGPT imports (GPT profile only: generic drops ChatGPT's limits)
    if ((options?.profile ?? 'gpt-actions') === 'gpt-actions') expect(gptImportProblems(parsed)).toEqual([]);
    // … that keeps every input constraint of every tool it exposes
    if (fidelity !== false) {
      const exposed = new Set(result.operations.map((o) => o.toolName));
      for (const tool of input.tools.filter((t) => exposed.has(t.name))) {
        expect(missingConstraints(tool.inputSchema, parsed), tool.name).toEqual([]);
      }
    }
    // … and is byte-identical on a second run
    expect(serializeSpec(buildSpec(catalog(fixture), { serverUrl: 'https://api.example.com', ...options }).spec, 'yaml')).toBe(text);
  });
});
